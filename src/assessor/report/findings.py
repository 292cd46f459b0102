"""What the engine concluded about a finished session, as bilingual text for the trainer's views and files:
the unreliable-results flag with its reasons, and one row per area (band and calibrated word, or
还没测够 / not measured enough with neither). Read from the results stored when the session finished, so the
trainer's page and the transcript PDF show what the worker was shown. No UI imports (the PDF uses it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessor.bank.load import Bank
from assessor.cat.engine import SessionResults
from assessor.i18n import bi, bi_short
from assessor.results import domain_name

ABERRANCE_REASONS = ("fast", "misfit", "chance")


@dataclass(frozen=True)
class AreaRow:
    """One area as the trainer reads it: name, band (or not measured enough), how sure, own answers / k."""

    name: str
    band: str
    sure: str
    own: str
    measured_enough: bool


def stored_results(session: Any) -> SessionResults | None:
    """The engine's results stored with a finished session (None while it runs or if they cannot be read)."""
    data = (getattr(session, "results", None) or {}).get("results")
    if not isinstance(data, dict):
        return None
    try:
        return SessionResults.model_validate(data)
    except ValueError:
        return None


def aberrance_reasons(session: Any) -> list[str] | None:
    """The stored aberrance reason codes when the session is flagged (possibly empty), None when it is not."""
    data: Any = (((getattr(session, "results", None) or {}).get("results") or {}).get("aberrance")) or {}
    if not data.get("flagged"):
        return None
    return [str(r) for r in data.get("reasons", [])]


def reason_text(code: str) -> str:
    """One aberrance reason in both languages ("答得太快 / answers too fast"); an unknown code as it is."""
    return bi(f"tr_aberrant_{code}") if code in ABERRANCE_REASONS else code


def unreliable_text(session: Any) -> str:
    """"⚠ 结果可能不可靠 / ⚠ results may be unreliable: reasons" when the session is flagged, else ""."""
    reasons = aberrance_reasons(session)
    if reasons is None:
        return ""
    return bi("tr_unreliable") + (": " + "; ".join(reason_text(r) for r in reasons) if reasons else "")


def area_rows(bank: Bank | None, results: SessionResults) -> list[AreaRow]:
    """One row per area, weakest first: band and calibrated word, or not measured enough (no band, no word)."""
    rows = []
    for d in results.weakest_first():
        name = (f"{domain_name(bank, d.domain, 'zh')} {domain_name(bank, d.domain, 'en')}" if bank is not None
                else d.domain)
        enough = d.measured_enough and d.band_shown is not None
        if not enough:
            band, sure = bi_short("tr_not_measured"), "—"
        else:
            band = bi_short(f"tr_band_{d.band_shown}")
            sure = bi_short(f"tr_label_{d.label}") if d.label else "—"
        rows.append(AreaRow(name, band, sure, f"{d.n_items}/{d.k_needed}", enough))
    return rows


def area_header() -> list[str]:
    """The area table's column headings, bilingual."""
    return [bi("tr_area"), bi("tr_area_result"), bi("tr_area_sure"), bi("tr_area_own")]
