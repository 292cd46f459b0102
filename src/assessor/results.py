"""A finished session's results as a worker reads them: the `ResultView` (readiness, one row per skill area,
courses), the authored summary shown when no model text passed the gate, and the input the summary model gets.
Pure functions of the bank, the engine's results and the recommended courses.
"""

from __future__ import annotations

from typing import Any

from assessor.bank.load import Bank
from assessor.bank.schema import LEVEL_NAMES
from assessor.cat.engine import DomainResult, SessionResults
from assessor.i18n import join, t
from assessor.recommend import (
    LABEL_TEXT,
    NOT_MEASURED_TEXT,
    Recommendation,
    area_notes,
    readiness_text,
    stop_text,
)
from assessor.views import CourseView, DomainRow, ResultView


def level_name(level: int, lang: str) -> str:
    return LEVEL_NAMES[level][lang if lang in ("zh", "en") else "zh"]


def sure_key(confidence: float) -> str:
    """How sure the band is, in words: ≥ 0.9 high, ≥ 0.7 middling, else low."""
    if confidence >= 0.9:
        return "sure_high"
    if confidence >= 0.7:
        return "sure_mid"
    return "sure_low"


def domain_name(bank: Bank, domain: str, lang: str) -> str:
    found = bank.domains.get(domain)
    return found.name.get(lang) if found else domain


def role_name(bank: Bank, role: str, lang: str) -> str:
    found = bank.roles.get(role)
    return found.name.get(lang) if found else role


def summary_input(bank: Bank, results: SessionResults, courses: list[Recommendation], lang: str) -> dict[str, Any]:
    """What the summary model is given (names in `lang`, readiness per domain)."""
    return {
        "role": results.role, "role_name": role_name(bank, results.role, lang), "level": results.level,
        "ready": results.overall.ready,
        "domains": [{"id": d.domain, "name": domain_name(bank, d.domain, lang),
                     "score": round(float(d.p_ready), 3)} for d in results.domains],
        "strengths": [domain_name(bank, d.domain, lang) for d in results.domains if d.band != "below"],
        "weaknesses": [domain_name(bank, d.domain, lang) for d in results.domains if d.band == "below"],
        "courses": [c.title for c in courses],
    }


def authored_summary(bank: Bank, results: SessionResults, courses: list[Recommendation], lang: str) -> str:
    """Plain sentences from the results: readiness, strong areas, areas to work on, the first courses."""
    lines = [readiness_text(bank, results, lang)]
    measured = [d for d in results.weakest_first() if d.measured_enough and d.band_shown is not None]
    strong = [domain_name(bank, d.domain, lang) for d in measured if d.band_shown != "below"]
    weak = [domain_name(bank, d.domain, lang) for d in measured if d.band_shown == "below"]
    if strong:
        lines.append(t("summary_strong", lang, areas=join(strong, lang)))
    if weak:
        lines.append(t("summary_weak", lang, areas=join(weak, lang)))
    lines += [note.text[lang] for note in area_notes(bank, results, courses)]
    if courses:
        lines.append(t("summary_courses", lang, courses=join((c.title[lang] for c in courses[:3]), lang)))
    return "\n".join(lines)


def _row(bank: Bank, d: DomainResult, level: str, lang: str) -> DomainRow:
    """One area in words, claiming no more than the evidence: an area with too few answers of its own shows
    还没测够 with no band and no confidence word; otherwise the band shown (below when its own answers contradict
    the shared estimate) and the calibrated word (很有把握 ≥ 0.95, 比较有把握 ≥ 0.80, else 还不太确定)."""
    enough = d.measured_enough and d.band_shown is not None
    return DomainRow(
        domain=d.domain, name=domain_name(bank, d.domain, lang), theta=round(d.theta, 2), se=round(d.se, 2),
        n_items=d.n_items, band=d.band_shown if enough and d.band_shown else "unmeasured",
        band_text=t(f"band_{d.band_shown}", lang, level=level) if enough else NOT_MEASURED_TEXT[lang],
        sure_text=LABEL_TEXT[d.label][lang] if enough and d.label else "",
        level_shown=d.level_shown if enough else None, measured_enough=enough)


def result_view(bank: Bank, *, session_id: str, resume_code: str, results: SessionResults,
                courses: list[Recommendation], summary: str, source: str, lang: str) -> ResultView:
    """The result in `lang`: rows weakest area first, each band and its sureness in words."""
    name = level_name(results.level, lang)
    rows = [_row(bank, d, name, lang) for d in results.weakest_first()]
    course_views = [
        CourseView(course_id=c.course_id, title=c.title[lang], level=c.level, hours=c.hours, reason=c.reason[lang],
                   units=[u.title[lang] for u in c.units], domain=c.domain)
        for c in courses
    ]
    return ResultView(
        session_id=session_id, resume_code=resume_code, lang=lang, role=results.role,
        role_name=role_name(bank, results.role, lang), level=results.level, level_name=name,
        ready=results.overall.ready,
        readiness_text=readiness_text(bank, results, lang),
        stop_text=stop_text(results.stop_code, lang),
        rows=rows, courses=course_views, summary=summary, summary_source=source, n_items=results.n_items,
    )
