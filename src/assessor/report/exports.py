"""CSV exports (sessions, responses) and xAPI statements for a learning record store."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from assessor.bank.load import Bank
from assessor.responses import answer_text

XAPI_BASE = "https://assessor.local"  # an IRI namespace, never contacted
VERB = {
    "answered": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered", "zh-CN": "作答"}},
    "completed": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed", "zh-CN": "完成"}},
}


# A spreadsheet (Excel, WPS) runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value safe for a spreadsheet: text starting with = + - @ tab or CR gets a leading apostrophe (OWASP's
    CSV-injection rule), so `=HYPERLINK(...)` shows as text; numbers and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def sessions_csv(rows: Iterable[tuple[Any, Any]]) -> str:
    """One row per session: (session, worker) pairs as returned by Store.list_sessions / iter_sessions."""
    header = ["session_id", "resume_code", "worker_code", "centre", "role", "target_level", "language", "status",
              "started_at", "ended_at", "bank_version", "level_reached", "ready", "n_responses"]
    body = []
    for session, worker in rows:
        n = len((session.state or {}).get("engine", {}).get("responses", []))
        body.append([session.id, session.resume_code, worker.code, session.centre, session.role, session.target_level,
                     session.language, session.status, f"{session.started_at:%Y-%m-%d %H:%M:%S}",
                     f"{session.ended_at:%Y-%m-%d %H:%M:%S}" if session.ended_at else "", session.bank_version,
                     "" if session.level_reached is None else session.level_reached,
                     "" if session.ready is None else int(session.ready), n])
    return _csv(header, body)


def responses_csv(responses: Iterable[Any], bank: Bank | None = None, lang: str = "zh") -> str:
    """One row per response, with the item parameters as used and θ/SE in its domain after it. `answer` is what
    was stored (option ids as JSON); `answer_text` shows the options' texts in `lang` (needs the bank)."""
    header = ["session_id", "seq", "item_id", "item_version", "domain", "level", "type", "a", "b", "c", "answer",
              "answer_text", "score", "category", "correct", "pilot", "theta", "se", "seconds", "created_at"]
    body = []
    for r in responses:
        p = r.item_params or {}
        answer = r.answer if isinstance(r.answer, str) else json.dumps(r.answer, ensure_ascii=False)
        item = bank.items.get(r.item_id) if bank is not None else None
        body.append([r.session_id, r.seq, r.item_id, r.item_version, r.domain, r.level, r.item_type, p.get("a"),
                     p.get("b"), p.get("c"), answer, answer_text(item, r.answer, lang), r.score, r.category,
                     int(r.correct), int(r.pilot), r.theta.get(r.domain), r.se.get(r.domain), r.seconds,
                     f"{r.created_at:%Y-%m-%d %H:%M:%S}"])
    return _csv(header, body)


def _actor(worker: Any) -> dict[str, Any]:
    return {"objectType": "Agent", "name": worker.code,
            "account": {"homePage": f"{XAPI_BASE}/centre/{worker.centre}", "name": worker.id}}


def xapi_statements(session: Any, worker: Any, responses: Sequence[Any], bank: Any | None = None) -> list[dict[str, Any]]:
    """xAPI 1.0.3 statements: one "answered" per response and one "completed" for a finished session."""
    actor = _actor(worker)
    context = {"registration": _uuid(session.id), "platform": "Assessor", "language": session.language,
               "extensions": {f"{XAPI_BASE}/xapi/role": session.role, f"{XAPI_BASE}/xapi/target_level": session.target_level,
                              f"{XAPI_BASE}/xapi/bank_version": session.bank_version}}
    statements: list[dict[str, Any]] = []
    for r in responses:
        item = bank.items.get(r.item_id) if bank is not None else None
        name = {"zh-CN": item.stem.zh, "en-US": item.stem.en} if item is not None else {"en-US": r.item_id}
        statements.append({
            "actor": actor,
            "verb": VERB["answered"],
            "object": {"objectType": "Activity", "id": f"{XAPI_BASE}/items/{r.item_id}/v{r.item_version}",
                       "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "name": name,
                                      "interactionType": _interaction(r.item_type)}},
            "result": {"score": {"scaled": round(float(r.score), 4)}, "success": bool(r.correct),
                       "response": r.answer if isinstance(r.answer, str) else "[,]".join(map(str, r.answer or [])),
                       **({"duration": f"PT{r.seconds:.1f}S"} if r.seconds is not None else {}),
                       "extensions": {f"{XAPI_BASE}/xapi/theta": r.theta.get(r.domain),
                                      f"{XAPI_BASE}/xapi/se": r.se.get(r.domain),
                                      f"{XAPI_BASE}/xapi/domain": r.domain, f"{XAPI_BASE}/xapi/pilot": bool(r.pilot)}},
            "context": context,
            "timestamp": f"{r.created_at:%Y-%m-%dT%H:%M:%S}Z",
        })
    if session.status == "finished":
        statements.append({
            "actor": actor, "verb": VERB["completed"],
            "object": {"objectType": "Activity", "id": f"{XAPI_BASE}/assessments/{session.role}/L{session.target_level}",
                       "definition": {"type": "http://adlnet.gov/expapi/activities/assessment",
                                      "name": {"en-US": f"{session.role} level {session.target_level}"}}},
            "result": {"completion": True, "success": bool(session.ready),
                       "extensions": {f"{XAPI_BASE}/xapi/level_reached": session.level_reached}},
            "context": context,
            "timestamp": f"{(session.ended_at or session.started_at):%Y-%m-%dT%H:%M:%S}Z",
        })
    return statements


def _interaction(item_type: str) -> str:
    return {"single_choice": "choice", "multiple_choice": "choice", "true_false": "true-false",
            "ordering": "sequencing", "open_scenario": "long-fill-in"}.get(item_type, "other")


def _uuid(hex32: str) -> str:
    h = (hex32 + "0" * 32)[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
