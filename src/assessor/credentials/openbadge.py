"""The claim as an Open Badges 3.0 credential (a W3C Verifiable Credential 2.0) with an Ed25519 proof.

The proof is a `DataIntegrityProof` with cryptosuite `eddsa-jcs-2022` (W3C vc-di-eddsa): the proof options
without `proofValue` (with the document's `@context`) and the document without `proof` are each put in canonical
form (JCS, RFC 8785: sorted keys, no spaces, UTF-8; our documents hold no floats, see `canonical_json`), hashed
with SHA-256, and the two hashes concatenated (options first) are signed; `proofValue` is the signature in
base58btc multibase ('z…'); the proof carries the options (with `@context`) and `proofValue`, as in the W3C
test vector (tests/credentials/test_openbadge.py reproduces it byte for byte). The issuer is the centre's key as
a `did:key` (multicodec ed25519-pub 0xed01).

Assessor fields ride in standard places: achievement `id` urn:assessor:achievement:<role>:L<level>, its
`version` the bank version, one `Result` per skill area (resultDescription urn:assessor:area:<domain>, value the
band) plus `urn:assessor:overall` (ready / not_ready) and `urn:assessor:level-reached` (L<n> or none).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from assessor.credentials.claim import Claim, CredentialError, canonical_json
from assessor.credentials.text import level_text, tx
from assessor.sync.keys import CentreKey, fingerprint

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_PUB = b"\xed\x01"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for ch in text:
        index = _B58.find(ch)
        if index < 0:
            raise CredentialError(f"{ch!r} is not a base58 letter")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + b58encode(_ED25519_PUB + raw)


def public_key_from_did(did: str) -> Ed25519PublicKey:
    """The Ed25519 key of a `did:key:z6Mk…` (a verification method's '#…' part is ignored)."""
    did = did.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        raise CredentialError(f"issuer {did!r} is not an Ed25519 did:key")
    raw = b58decode(did.removeprefix("did:key:z"))
    if not raw.startswith(_ED25519_PUB) or len(raw) != 34:
        raise CredentialError(f"issuer {did!r} is not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    return hashlib.sha256(canonical_json(options)).digest() + hashlib.sha256(canonical_json(document)).digest()


def _utc(day: str) -> str:
    return f"{day}T00:00:00Z"


def credential(claim: Claim, key: CentreKey, bank: Any = None) -> dict[str, Any]:
    """The signed Open Badges 3.0 credential for `claim` (names in zh and en from `bank` when given)."""
    did = did_key(key.public_key)
    level = {lang: level_text(claim.level, lang) for lang in ("zh", "en")}
    role = bank.roles.get(claim.role) if bank is not None else None
    role_name = {lang: (role.name.get(lang) if role else claim.role) for lang in ("zh", "en")}
    areas = []
    for domain, _band in claim.areas:
        found = bank.domains.get(domain) if bank is not None else None
        areas.append({"id": f"urn:assessor:area:{domain}", "type": ["ResultDescription"],
                      "name": f"{found.name.get('zh')} / {found.name.get('en')}" if found else domain,
                      "resultType": "Status"})
    achievement = {
        "id": f"urn:assessor:achievement:{claim.role}:L{claim.level}",
        "type": ["Achievement"],
        "achievementType": "Assessment",
        "name": f"{role_name['zh']} {level['zh']} / {role_name['en']} {level['en']}",
        "description": f"{tx('title', 'zh')} / {tx('title', 'en')}",
        "criteria": {"narrative": "自适应技能测评 / Adaptive skills assessment (item response theory)"},
        "version": claim.bank_version,
        "resultDescription": areas + [
            {"id": "urn:assessor:overall", "type": ["ResultDescription"], "name": "结果 / Result", "resultType": "Status"},
            {"id": "urn:assessor:level-reached", "type": ["ResultDescription"], "name": "达到的等级 / Level reached",
             "resultType": "Status"},
        ],
    }
    results = [{"type": ["Result"], "resultDescription": f"urn:assessor:area:{d}", "value": b} for d, b in claim.areas]
    results.append({"type": ["Result"], "resultDescription": "urn:assessor:overall",
                    "value": "ready" if claim.ready else "not_ready"})
    results.append({"type": ["Result"], "resultDescription": "urn:assessor:level-reached",
                    "value": "none" if claim.level_reached is None else f"L{claim.level_reached}"})
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{claim.id[:8]}-{claim.id[8:12]}-{claim.id[12:16]}-{claim.id[16:20]}-{claim.id[20:32]}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": claim.centre},
        "validFrom": _utc(claim.date),
        "name": achievement["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": ["IdentityObject"], "identityType": "name", "hashed": False,
                            "identityHash": claim.name}],
            "achievement": achievement,
            "result": results,
        },
    }
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": _utc(claim.date),
               "verificationMethod": f"{did}#{did.removeprefix('did:key:')}", "proofPurpose": "assertionMethod",
               "@context": CONTEXT}
    signature = key.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def split_credential(data: Any) -> tuple[Ed25519PublicKey, bytes, bytes]:
    """(issuer key, signed bytes, signature) of a credential; CredentialError if it is not one of ours."""
    if not isinstance(data, dict) or not isinstance(data.get("proof"), dict):
        raise CredentialError("not a signed credential: no 'proof'")
    document = copy.deepcopy({k: v for k, v in data.items() if k != "proof"})
    proof = dict(data["proof"])
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-jcs-2022":
        raise CredentialError("proof: only DataIntegrityProof with cryptosuite eddsa-jcs-2022 is read")
    value = proof.pop("proofValue", None)
    if not isinstance(value, str) or not value.startswith("z"):
        raise CredentialError("proof.proofValue: expected a base58btc multibase string ('z…')")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    method = str(proof.get("verificationMethod", ""))
    if method.split("#", 1)[0] != issuer_id:
        raise CredentialError("proof.verificationMethod is not the issuer's key")
    return public_key_from_did(method), _hash_data(document, proof), b58decode(value[1:])


def claim_from_credential(data: dict[str, Any]) -> Claim:
    """The claim an Assessor credential states (read back from the fields `credential` writes)."""
    try:
        subject = data["credentialSubject"]
        achievement = subject["achievement"]
        _, _, role_level = str(achievement["id"]).partition("urn:assessor:achievement:")
        role, _, level = role_level.rpartition(":L")
        values = {r["resultDescription"]: str(r["value"]) for r in subject["result"]}
        areas = [(k.removeprefix("urn:assessor:area:"), v) for k, v in values.items() if k.startswith("urn:assessor:area:")]
        reached = values.get("urn:assessor:level-reached", "none")
        key = fingerprint(public_key_from_did(data["issuer"]["id"]))
        return Claim(id=str(data["id"]).removeprefix("urn:uuid:").replace("-", ""), centre=str(data["issuer"]["name"]),
                     key=key, name=str(subject["identifier"][0]["identityHash"]), role=role, level=int(level),
                     ready=values.get("urn:assessor:overall") == "ready",
                     level_reached=None if reached == "none" else int(reached.removeprefix("L")), areas=areas,
                     date=str(data["validFrom"])[:10], bank_version=str(achievement.get("version", "")))
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise CredentialError(f"credential: not an Assessor certificate ({type(error).__name__}: {error})") from error
