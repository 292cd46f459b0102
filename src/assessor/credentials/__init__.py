"""Verifiable result certificates: a signed claim in a QR code on a PDF, the same claim as an Open Badges 3.0
credential, offline verification (valid / tampered / unknown issuer / revoked) and revocation.

Signed with the centre's Ed25519 key (`assessor centre init`); verified with the public keys registered by
`assessor centre trust` and the revocation lists.
"""

from assessor.credentials.claim import Claim, CredentialError, claim_from_session, find_session
from assessor.credentials.registry import (
    Issued,
    certificates,
    import_revocations,
    issue,
    revocation_list,
    revoke,
    write_certificate,
)
from assessor.credentials.verify import Verdict, verify_bytes, verify_file

__all__ = ["Claim", "CredentialError", "Issued", "Verdict", "certificates", "claim_from_session", "find_session",
           "import_revocations", "issue", "revocation_list", "revoke", "verify_bytes", "verify_file",
           "write_certificate"]
