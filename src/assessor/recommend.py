"""Course recommendations from session results: deterministic, each with a reason a worker can read.

Rules, in order:
1. Gap domains are those below the target level's cut (θ̂ < cut). Borderline domains (at the target but
   with P(ready) < `borderline_p`) follow, to secure the level. Domains are taken weakest first
   (θ̂ − cut ascending, then domain id).
2. The level of the course: the next step up from the level the worker showed in that domain
   (`level_shown` − 1; 五级 when nothing was shown), never past the target level; for a borderline domain
   the target level itself. If the catalogue has no course at that level for the domain, the next harder
   levels up to the target are tried, then the shown level. A course easier than the level the worker
   showed in that domain (course.level > level_shown) is never recommended.
3. Among courses at that level, those whose first domain is this domain come first, then by id.
4. Units: ranked by how well they match the items the worker missed (2 points for each missed item that
   refers to the unit, 1 for each tag shared with a missed item); matched units are listed first, the
   others after them. A course is recommended once, for its weakest domain; at most `max_courses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assessor.bank.load import Bank
from assessor.bank.schema import LEVEL_NAMES, Course
from assessor.cat.engine import DomainResult, SessionResults


@dataclass(frozen=True)
class UnitPick:
    unit_id: str
    title: dict[str, str]
    matched_tags: list[str]
    match_score: int


@dataclass(frozen=True)
class Recommendation:
    course_id: str
    domain: str
    level: int
    hours: float
    title: dict[str, str]
    units: list[UnitPick]
    reason: dict[str, str]
    kind: str  # "gap" | "borderline"
    priority: int
    missed_items: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "course_id": self.course_id,
            "domain": self.domain,
            "level": self.level,
            "hours": self.hours,
            "title": self.title,
            "units": [u.__dict__ for u in self.units],
            "reason": self.reason,
            "kind": self.kind,
            "priority": self.priority,
            "missed_items": self.missed_items,
        }


def _domain_name(bank: Bank, domain: str) -> dict[str, str]:
    d = bank.domains.get(domain)
    return {"zh": d.name.zh, "en": d.name.en} if d else {"zh": domain, "en": domain}


def _level_name(level: int) -> dict[str, str]:
    return LEVEL_NAMES.get(level, {"zh": f"{level}级", "en": f"Level {level}"})


def course_levels_to_try(level_shown: int | None, target: int, borderline: bool) -> list[int]:
    """Course levels in order of preference (see rule 2); all ≤ the shown level (never easier)."""
    shown = 6 if level_shown is None else level_shown
    first = target if borderline or shown <= target else max(shown - 1, target)
    harder = list(range(first, target - 1, -1))
    out = harder + ([shown] if shown <= 5 and shown not in harder else [])
    return [lv for lv in out if lv <= shown and 1 <= lv <= 5]


def _candidates(bank: Bank, domain: str, level: int) -> list[Course]:
    found = [c for c in bank.courses.values() if domain in c.domains and c.level == level]
    return sorted(found, key=lambda c: (c.domains[0] != domain, c.id))


def _units(course: Course, domain_result: DomainResult) -> list[UnitPick]:
    missed = [e for e in domain_result.evidence if not e.correct]
    picks: list[UnitPick] = []
    for unit in course.units:
        ref = f"{course.id}/{unit.id}"
        direct = sum(1 for e in missed if ref in e.course_refs)
        tags = sorted({t for e in missed for t in e.tags if t in unit.tags})
        tag_hits = sum(1 for e in missed for t in e.tags if t in unit.tags)
        picks.append(UnitPick(unit.id, {"zh": unit.title.zh, "en": unit.title.en}, tags, 2 * direct + tag_hits))
    order = {u.id: i for i, u in enumerate(course.units)}
    return sorted(picks, key=lambda p: (-p.match_score, order[p.unit_id]))


def _reason(
    bank: Bank, dr: DomainResult, course: Course, target: int, kind: str, units: list[UnitPick], first: bool
) -> dict[str, str]:
    name = _domain_name(bank, dr.domain)
    tl = _level_name(target)
    cl = _level_name(course.level)
    missed = sum(1 for e in dr.evidence if not e.correct)
    n = len(dr.evidence)
    matched = [u for u in units if u.match_score > 0][:2]
    if kind == "gap" and first:
        zh = f"“{name['zh']}”是你离{tl['zh']}最需要补的方面"
        en = f"{name['en']} is where you are furthest from {tl['en']}"
    elif kind == "gap":
        zh = f"“{name['zh']}”也还没达到{tl['zh']}"
        en = f"{name['en']} is also not yet at {tl['en']}"
    else:
        zh = f"“{name['zh']}”已接近{tl['zh']}，但还不够稳"
        en = f"{name['en']} is close to {tl['en']} but not yet secure"
    if n:
        zh += f"（{n}道题中有{missed}道没答对）"
        en += f" ({missed} of {n} questions not fully right)"
    zh += f"。这门{cl['zh']}课程“{course.title.zh}”正好讲这些"
    en += f". This {cl['en']} course, \"{course.title.en}\", teaches it"
    if matched:
        zh += "，请先学：" + "、".join(u.title["zh"] for u in matched)
        en += "; start with: " + "; ".join(u.title["en"] for u in matched)
    return {"zh": zh + "。", "en": en + "."}


def recommend(bank: Bank, results: SessionResults, *, max_courses: int = 5, borderline_p: float = 0.75) -> list[Recommendation]:
    """Courses that close the gaps, weakest domain first (module docstring has the rules)."""
    target = results.level
    gaps = [d for d in results.domains if d.theta < results.cut_score]
    border = [d for d in results.domains if d.theta >= results.cut_score and d.p_ready < borderline_p]
    ordered = [(d, "gap") for d in sorted(gaps, key=lambda d: (d.theta - results.cut_score, d.domain))]
    ordered += [(d, "borderline") for d in sorted(border, key=lambda d: (d.theta - results.cut_score, d.domain))]
    out: list[Recommendation] = []
    used: set[str] = set()
    for dr, kind in ordered:
        if len(out) >= max_courses:
            break
        course = None
        for level in course_levels_to_try(dr.level_shown, target, kind == "borderline"):
            options = [c for c in _candidates(bank, dr.domain, level) if c.id not in used]
            if options:
                course = options[0]
                break
        if course is None:
            continue
        used.add(course.id)
        units = _units(course, dr)
        out.append(
            Recommendation(
                course_id=course.id,
                domain=dr.domain,
                level=course.level,
                hours=course.hours,
                title={"zh": course.title.zh, "en": course.title.en},
                units=units,
                reason=_reason(bank, dr, course, target, kind, units, first=not out),
                kind=kind,
                priority=len(out) + 1,
                missed_items=[e.item_id for e in dr.evidence if not e.correct],
            )
        )
    return out
