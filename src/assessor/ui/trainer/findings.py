"""What the engine concluded about a session, for the trainer: areas with their band and calibrated word (or
还没测够 / not measured enough, with neither), and the aberrant-response flag with its reasons. Read from the
results stored when the session finished, so the trainer sees what the worker was shown."""

from __future__ import annotations

from typing import Any

from assessor.bank.load import Bank
from assessor.cat.engine import SessionResults
from assessor.i18n import bi, bi_short
from assessor.results import domain_name
from assessor.store import AssessmentSession
from assessor.ui.text import plain

ABERRANCE_REASONS = ("fast", "misfit", "chance")


def stored_results(session: AssessmentSession) -> SessionResults | None:
    """The engine's results stored with a finished session (None while it runs or if they cannot be read)."""
    data = (session.results or {}).get("results")
    if not isinstance(data, dict):
        return None
    try:
        return SessionResults.model_validate(data)
    except ValueError:
        return None


def unreliable(session: AssessmentSession) -> str:
    """"⚠ 结果可能不可靠 / results may be unreliable: reasons" when the session is flagged, else ""."""
    data: Any = ((session.results or {}).get("results") or {}).get("aberrance") or {}
    if not data.get("flagged"):
        return ""
    reasons = [bi(f"tr_aberrant_{r}") if r in ABERRANCE_REASONS else plain(str(r)) for r in data.get("reasons", [])]
    return bi("tr_unreliable") + (": " + "; ".join(reasons) if reasons else "")


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
    head = (f"| {bi('tr_area')} | {bi('tr_area_result')} | {bi('tr_area_sure')} | {bi('tr_area_own')} |\n"
            "|---|---|---|---|")
    rows = []
    for d in results.weakest_first():
        name = f"{plain(domain_name(bank, d.domain, 'zh'))} {plain(domain_name(bank, d.domain, 'en'))}"
        if not d.measured_enough or d.band_shown is None:
            band, sure = bi_short("tr_not_measured"), "—"
        else:
            band = bi_short(f"tr_band_{d.band_shown}")
            sure = bi_short(f"tr_label_{d.label}") if d.label else "—"
        rows.append(f"| {name} | {band} | {sure} | {d.n_items}/{d.k_needed} |")
    return f"**{bi('tr_areas')}**\n\n{head}\n" + "\n".join(rows)
