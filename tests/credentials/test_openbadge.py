"""The Open Badges proof is the W3C `eddsa-jcs-2022` cryptosuite: checked against the specification's own test
vector (w3c/vc-di-eddsa, TestVectors/eddsa-jcs-2022/signedJCS.json and TestVectors/keyPair.json)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessor.credentials.claim import CredentialError, canonical_json
from assessor.credentials.openbadge import _hash_data, b58decode, b58encode, did_key, public_key_from_did

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
W3C_DOCUMENT = {
    "@context": CONTEXT,
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_OPTIONS = {
    "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": "2023-02-24T23:36:38Z",
    "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "proofPurpose": "assertionMethod", "@context": CONTEXT,
}
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # multicodec ed25519-priv (0x8026) + seed
W3C_PROOF_VALUE = "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"


def test_the_w3c_eddsa_jcs_2022_vector_signs_and_verifies_to_the_same_bytes() -> None:
    seed = b58decode(W3C_PRIVATE[1:])
    assert seed[:2] == b"\x80\x26"
    private = Ed25519PrivateKey.from_private_bytes(seed[2:])
    assert did_key(private.public_key()) == f"did:key:{W3C_PUBLIC}"
    assert "z" + b58encode(private.sign(_hash_data(W3C_DOCUMENT, W3C_OPTIONS))) == W3C_PROOF_VALUE
    public_key_from_did(f"did:key:{W3C_PUBLIC}").verify(b58decode(W3C_PROOF_VALUE[1:]),
                                                        _hash_data(W3C_DOCUMENT, W3C_OPTIONS))


def test_canonical_json_sorts_keys_keeps_unicode_and_refuses_floats() -> None:
    assert canonical_json({"b": [1, "王"], "a": {"d": None, "c": True}}) == \
        '{"a":{"c":true,"d":null},"b":[1,"王"]}'.encode()
    assert json.loads(canonical_json(W3C_DOCUMENT)) == W3C_DOCUMENT
    with pytest.raises(CredentialError, match=r"\$\.x\[0\]"):
        canonical_json({"x": [0.5]})


def test_base58_round_trip_and_bad_letters() -> None:
    for data in (b"", b"\0\0\x01", bytes(range(40))):
        assert b58decode(b58encode(data)) == data
    with pytest.raises(CredentialError, match="base58"):
        b58decode("0OIl")
    with pytest.raises(CredentialError, match="did:key"):
        public_key_from_did("did:web:example.org")


def test_our_proof_has_the_shape_of_the_w3c_vector_and_checks() -> None:
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from assessor.credentials.claim import Claim
    from assessor.credentials.openbadge import credential, split_credential
    from assessor.sync import init_centre

    with TemporaryDirectory() as folder:
        key = init_centre(Path(folder), "Jinan-1")
    claim = Claim(id="0" * 32, centre="Jinan-1", key=key.fingerprint, name="王芳", role="housekeeper", level=5,
                  ready=True, level_reached=5, areas=[("cleaning", "at")], date="2026-12-05", bank_version="b")
    document = credential(claim, key)
    assert set(document["proof"]) == set(W3C_OPTIONS) | {"proofValue"}
    public_key, signed, signature = split_credential(document)
    public_key.verify(signature, signed)
