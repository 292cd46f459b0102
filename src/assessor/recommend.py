"""Course recommendations from session results: deterministic, each with a reason a worker can read.

Rules, in order:
1. Gap domains are those below the target level's cut (θ̂ < cut, or the claim says "not reached": an
   area whose own answers contradict the shared estimate). Borderline domains (at the target but with
   P(ready) < `borderline_p`) follow, to secure the level; then "missed" domains: half or more of their
   own answers wrong although the estimate is at the target. Domains are taken weakest first
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
5. `area_notes` gives every area with half or more answers wrong that got no course, and every area not
   measured enough, a stated reason, so a result never says "all good" over such an area.

The zh/en texts a front end shows for the engine's codes live here too (`LABEL_TEXT` for the claim
words, `NOT_MEASURED_TEXT`, `STOP_TEXT` per stop code, `ABERRANCE_TEXT`, `progress_text`,
`readiness_text`), so cat/ stays free of wording and the UI never invents a certainty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assessor.bank.load import Bank
from assessor.bank.schema import LEVEL_NAMES, Course
from assessor.cat.engine import DomainResult, SessionResults
from assessor.cat.stop import reason_code

Bilingual = dict[str, str]

LABEL_TEXT: dict[str, Bilingual] = {
    "very_sure": {"zh": "很有把握", "en": "very sure"},
    "fairly_sure": {"zh": "比较有把握", "en": "fairly sure"},
    "not_sure": {"zh": "还不太确定", "en": "not sure yet"},
}
NOT_MEASURED_TEXT: Bilingual = {"zh": "还没测够", "en": "not measured enough"}
DIRECTION_TEXT: dict[str, Bilingual] = {
    "reached": {"zh": "已达到{level}", "en": "at {level}"},
    "not_reached": {"zh": "还没达到{level}", "en": "not yet at {level}"},
}
STOP_TEXT: dict[str, Bilingual] = {
    "decided": {"zh": "已经能判断您的水平了。", "en": "We can now tell where you stand in each area."},
    "close_call": {
        "zh": "您的水平很接近这一级的标准，再多答几题也难以改变判断，所以先到这里。",
        "en": "You are close to the line for this level; more questions would hardly change the result, so we stop here.",
    },
    "precision": {"zh": "已经测得足够准确了。", "en": "Your results are precise enough now."},
    "max_items": {"zh": "已经答完本次最多的题数。", "en": "You have answered the most questions one check allows."},
    "time": {"zh": "本次答题时间已到。", "en": "The time for this check is up."},
    "bank_exhausted": {"zh": "题库里适合您的题已经用完了。", "en": "The bank has no more suitable questions for you."},
    "worker_stopped": {"zh": "您提前结束了答题，结果只根据已答的题。", "en": "You ended early; the results use only the questions answered."},
}
ABERRANCE_TEXT: dict[str, Bilingual] = {
    "flag": {"zh": "结果可能不可靠", "en": "The results may be unreliable"},
    "misfit": {"zh": "答题规律和能力估计很不一致", "en": "the answers fit the ability estimate poorly"},
    "chance": {"zh": "选择题答对的比例和随便猜差不多", "en": "choice questions were answered about as well as by guessing"},
    "fast": {"zh": "很多题答得太快（几秒钟）", "en": "many answers came within a few seconds"},
}


def stop_text(code: str | None, lang: str) -> str:
    """Why the check ended, in `lang` (old saved codes mapped by stop.reason_code); '' while it runs."""
    code = reason_code(code)
    return STOP_TEXT[code][lang] if code in STOP_TEXT else ""


def progress_text(answered: int, expected_remaining: int, lang: str) -> str:
    """'已答 n 题，预计还有约 m 题' from the engine's expected remaining length (never a fixed promise)."""
    if lang == "zh":
        return f"已答 {answered} 题，预计还有约 {expected_remaining} 题"
    return f"{answered} answered, about {expected_remaining} more expected"


def claim_text(domain_result: DomainResult, level_name: Bilingual, lang: str) -> str:
    """'还没测够' for an area not measured enough, else '已达到/还没达到 <level>（<word>）'."""
    if not domain_result.measured_enough or domain_result.label is None:
        return NOT_MEASURED_TEXT[lang]
    head = DIRECTION_TEXT[domain_result.direction][lang].format(level=level_name[lang])
    word = LABEL_TEXT[domain_result.label][lang]
    return f"{head}（{word}）" if lang == "zh" else f"{head} ({word})"


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
    kind: str  # "gap" | "borderline" | "missed"
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


def _wrong_half(dr: DomainResult) -> bool:
    wrong = sum(1 for e in dr.evidence if not e.correct)
    return bool(dr.evidence) and 2 * wrong >= len(dr.evidence)


def _is_gap(dr: DomainResult, cut: float) -> bool:
    return dr.theta < cut or dr.direction == "not_reached"


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
    elif kind == "missed":
        zh = f"“{name['zh']}”这次有一半或更多的题没答对"
        en = f"In {name['en']} half or more of your answers were not right"
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
    cut = results.cut_score
    gaps = [d for d in results.domains if _is_gap(d, cut)]
    border = [d for d in results.domains if not _is_gap(d, cut) and d.p_ready < borderline_p]
    missed = [d for d in results.domains if not _is_gap(d, cut) and d.p_ready >= borderline_p and _wrong_half(d)]
    ordered = [(d, "gap") for d in sorted(gaps, key=lambda d: (d.theta - cut, d.domain))]
    ordered += [(d, "borderline") for d in sorted(border, key=lambda d: (d.theta - cut, d.domain))]
    ordered += [(d, "missed") for d in sorted(missed, key=lambda d: (d.theta - cut, d.domain))]
    out: list[Recommendation] = []
    used: set[str] = set()
    for dr, kind in ordered:
        if len(out) >= max_courses:
            break
        course = None
        for level in course_levels_to_try(dr.level_shown, target, kind != "gap"):
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


@dataclass(frozen=True)
class AreaNote:
    """A stated reason for an area the courses do not cover: "not_measured" or "missed_no_course"."""

    domain: str
    kind: str
    text: Bilingual


def area_notes(bank: Bank, results: SessionResults, recommendations: list[Recommendation]) -> list[AreaNote]:
    """Rule 5: a stated reason for every area not measured enough and every area with half or more answers
    wrong that got no course (so no result calls such an area fine)."""
    covered = {r.domain for r in recommendations}
    out: list[AreaNote] = []
    for dr in results.domains:
        name = _domain_name(bank, dr.domain)
        if not dr.measured_enough:
            out.append(AreaNote(dr.domain, "not_measured", {
                "zh": f"“{name['zh']}”只答了{dr.n_items}道题（至少要{dr.k_needed}道），还没测够，下次再测。",
                "en": f"{name['en']}: only {dr.n_items} question(s) answered (at least {dr.k_needed} needed); not measured enough yet.",
            }))
        elif _wrong_half(dr) and dr.domain not in covered:
            wrong = sum(1 for e in dr.evidence if not e.correct)
            out.append(AreaNote(dr.domain, "missed_no_course", {
                "zh": f"“{name['zh']}”{len(dr.evidence)}道题中有{wrong}道没答对，目前没有合适的课程，请和培训老师一起复习这些题。",
                "en": f"{name['en']}: {wrong} of {len(dr.evidence)} answers were not right and no course fits yet; "
                      "go over these questions with a trainer.",
            }))
    return out


def readiness_text(bank: Bank, results: SessionResults, lang: str) -> str:
    """The readiness sentence with its claim word; it names the areas not measured enough."""
    level = _level_name(results.level)
    o = results.overall
    head = DIRECTION_TEXT[o.direction][lang].format(level=level[lang])
    sep = "、" if lang == "zh" else ", "
    if o.not_measured:
        names = sep.join(_domain_name(bank, d)[lang] for d in o.not_measured)
        tail = f"；这些方面还没测够：{names}" if lang == "zh" else f"; not measured enough: {names}"
        return (f"总体看{head}" if lang == "zh" else f"Overall {head}") + tail + ("。" if lang == "zh" else ".")
    word = LABEL_TEXT[o.label][lang] if o.label else ""
    if lang == "zh":
        return f"总体看{head}（{word}）。"
    return f"Overall {head} ({word})."
