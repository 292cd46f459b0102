"""The claim a certificate makes, built from a finished assessment session, and its compact form.

A claim holds only what the consent notice says a certificate shows: the worker's name, role, target level,
whether they reached it (and the level reached), each skill area's band, the date, the centre, the bank version,
plus the certificate id and the fingerprint of the centre key that signs it. No answers, no transcript.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assessor.store import AssessmentSession, Store, Worker

BANDS = ("below", "at", "above", "not_measured")


class CredentialError(ValueError):
    """A certificate cannot be issued or read; the message says what and where."""


@dataclass(frozen=True)
class Claim:
    """What a certificate states. `areas` is a list of (domain id, band), band one of BANDS."""

    id: str
    centre: str
    key: str  # fingerprint of the signing centre key
    name: str
    role: str
    level: int
    ready: bool
    level_reached: int | None
    areas: list[tuple[str, str]] = field(default_factory=list)
    date: str = ""  # ISO date the session ended
    bank_version: str = ""

    def compact(self) -> dict[str, Any]:
        """The short-keyed dict the QR record carries (integers and strings only: no floats)."""
        return {"v": 1, "id": self.id, "c": self.centre, "k": self.key, "n": self.name, "r": self.role,
                "l": self.level, "ok": int(self.ready), "lr": self.level_reached,
                "a": [[d, b] for d, b in self.areas], "d": self.date, "b": self.bank_version}

    @classmethod
    def from_compact(cls, data: Any) -> Claim:
        """The claim from `compact()`'s dict; CredentialError naming the field that is wrong."""
        if not isinstance(data, dict) or data.get("v") != 1:
            raise CredentialError("not an Assessor certificate record (version 1)")
        try:
            areas = [(str(d), str(b)) for d, b in data["a"]]
            level_reached = data["lr"]
            claim = cls(id=str(data["id"]), centre=str(data["c"]), key=str(data["k"]), name=str(data["n"]),
                        role=str(data["r"]), level=int(data["l"]), ready=bool(data["ok"]),
                        level_reached=None if level_reached is None else int(level_reached), areas=areas,
                        date=str(data["d"]), bank_version=str(data["b"]))
        except KeyError as error:
            raise CredentialError(f"certificate record: field {error.args[0]!r} is missing") from error
        except (TypeError, ValueError) as error:
            raise CredentialError(f"certificate record: a field has the wrong form ({error})") from error
        return claim

    def describe(self, lang: str = "en") -> list[str]:
        """The claim as lines of text (what `assessor verify` prints after the verdict)."""
        from assessor.credentials.text import claim_lines

        return claim_lines(self, lang)


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: RFC 8785 (JCS) for documents without floats, which is all we sign."""
    _no_floats(data)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _no_floats(data: Any, where: str = "$") -> None:
    if isinstance(data, float):
        raise CredentialError(f"{where}: floats are not signed (their JSON form is not canonical here)")
    if isinstance(data, dict):
        for key, value in data.items():
            _no_floats(value, f"{where}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _no_floats(value, f"{where}[{i}]")


def find_session(store: Store, ref: str) -> AssessmentSession:
    """The session named by its id or its resume code; CredentialError if there is none."""
    ref = (ref or "").strip()
    session = store.get_session(ref) if ref else None
    if session is None and ref:
        session = store.get_session_by_code(ref)
    if session is None:
        raise CredentialError(f"no session with id or resume code {ref!r}")
    return session


def claim_from_session(session: AssessmentSession, worker: Worker, *, key_fingerprint: str,
                       certificate_id: str | None = None) -> Claim:
    """The claim for a finished assessment session (not practice); CredentialError says why not otherwise."""
    if session.kind != "assessment":
        raise CredentialError(f"session {session.id} is a practice session: no certificate for practice")
    if session.status != "finished" or not session.results:
        raise CredentialError(f"session {session.id} is not finished ({session.status}): finish it first")
    results = (session.results or {}).get("results") or {}
    domains = results.get("domains")
    if not isinstance(domains, list):
        raise CredentialError(f"session {session.id}: its stored results have no skill areas")
    areas = []
    for d in domains:
        band = d.get("band") if d.get("measured_enough", True) else "not_measured"
        areas.append((str(d.get("domain")), band if band in BANDS else "not_measured"))
    ended = session.ended_at or session.started_at
    return Claim(id=certificate_id or uuid.uuid4().hex, centre=session.centre, key=key_fingerprint,
                 name=worker.display_name or worker.code, role=session.role, level=int(session.target_level),
                 ready=bool(session.ready), level_reached=session.level_reached, areas=areas,
                 date=(ended.date() if ended else date.today()).isoformat(), bank_version=session.bank_version)
