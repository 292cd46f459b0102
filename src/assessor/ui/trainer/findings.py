"""What the engine concluded about a session, for the trainer's page: areas with their band and calibrated word
(or 还没测够 / not measured enough, with neither), and the aberrant-response flag with its reasons. The texts come
from assessor.report.findings, which the transcript PDF uses too, so the page and the PDF agree; here they are
made safe for Markdown (`plain`)."""

from __future__ import annotations

from assessor.bank.load import Bank
from assessor.cat.engine import SessionResults
from assessor.i18n import bi, bi_short
from assessor.report.findings import ABERRANCE_REASONS, aberrance_reasons, area_header, area_rows, reason_text
from assessor.report.findings import stored_results as _stored_results
from assessor.store import AssessmentSession
from assessor.ui.text import plain

__all__ = ["ABERRANCE_REASONS", "areas_markdown", "session_notes", "stored_results", "unreliable"]


def stored_results(session: AssessmentSession) -> SessionResults | None:
    """The engine's results stored with a finished session (None while it runs or if they cannot be read)."""
    return _stored_results(session)


def unreliable(session: AssessmentSession) -> str:
    """"⚠ 结果可能不可靠 / results may be unreliable: reasons" when the session is flagged, else ""."""
    reasons = aberrance_reasons(session)
    if reasons is None:
        return ""
    texts = [reason_text(r) if r in ABERRANCE_REASONS else plain(r) for r in reasons]
    return bi("tr_unreliable") + (": " + "; ".join(texts) if texts else "")


def session_notes(session: AssessmentSession, waiting: int) -> str:
    """The sessions table's notes cell: the unreliable flag and the answers waiting for review (short words)."""
    notes = []
    if unreliable(session):
        notes.append(f"⚠ {bi_short('tr_unreliable').replace('⚠ ', '')}")
    if waiting:
        notes.append(bi("tr_waiting_review", n=waiting))
    return " · ".join(notes)


def areas_markdown(bank: Bank, results: SessionResults) -> str:
    """One row per area, weakest first: band and calibrated word, or not measured enough (no band, no word)."""
    head = "| " + " | ".join(area_header()) + " |\n|---|---|---|---|"
    rows = [f"| {plain(r.name)} | {r.band} | {r.sure} | {r.own} |" for r in area_rows(bank, results)]
    return f"**{bi('tr_areas')}**\n\n{head}\n" + "\n".join(rows)
