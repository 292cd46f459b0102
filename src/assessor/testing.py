"""Synthetic banks and roles for tests, simulations and scale benchmarks (as catsim's testing module).

`synthetic_bank(n)` builds an in-memory bank of n generated items with prior-like parameters
(b = level base ± 0.5, a ∈ [0.8, 2.0], guessing by type); `default_roles()` two small roles and
`default_courses()` one course per domain and level, for tests that need no shipped bank.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assessor.bank.load import Bank
from assessor.bank.rules import ID_PREFIX
from assessor.bank.schema import DOMAIN_IDS, Course, Item, LevelBlueprint, Role, Text, Unit

LEVEL_BASE = {5: -1.0, 4: 0.0, 3: 1.0, 2: 1.8, 1: 2.5}
TYPE_MIX = {"single_choice": 0.55, "true_false": 0.15, "multiple_choice": 0.15, "ordering": 0.07, "open_scenario": 0.08}
GUESSING = {"single_choice": 0.2, "true_false": 0.3, "multiple_choice": 0.05, "ordering": 0.0, "open_scenario": 0.0}

def _text(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


def default_roles() -> dict[str, Role]:
    """Two small roles for tests when no shipped bank is given."""
    def role(rid: str, w4: dict[str, float]) -> Role:
        levels = {
            5: LevelBlueprint(weights=w4, cut_score=-1.0),
            4: LevelBlueprint(weights=w4, cut_score=0.0),
            3: LevelBlueprint(weights=w4, cut_score=1.0),
        }
        return Role(id=rid, name=_text(rid, rid), description=_text(rid, rid), levels=levels)

    return {
        "housekeeper": role("housekeeper", {"cleaning": 30, "cooking_nutrition": 30, "safety_first_aid": 20, "ethics_law": 20}),
        "elderly_carer": role("elderly_carer", {"elderly_care": 50, "sick_care_ipc": 30, "communication": 20}),
    }


def default_courses(domains: Sequence[str] = DOMAIN_IDS) -> dict[str, Course]:
    """One course per domain and level 5, 4, 3 with two tagged units each."""
    out: dict[str, Course] = {}
    for d in domains:
        for lv in (5, 4, 3):
            cid = f"C-{ID_PREFIX[d].upper()}-{lv}"
            units = [
                Unit(id=f"u{j}", title=_text(f"{d} {lv} 单元{j}", f"{d} {lv} unit {j}"), tags=[f"{d}_{lv}_{j}"])
                for j in (1, 2)
            ]
            out[cid] = Course(
                id=cid, title=_text(f"{d} {lv}级课程", f"{d} level {lv} course"), level=lv, hours=8,
                domains=[d], units=units, summary=_text("课程", "course"),
            )
    return out


def _course_unit_for(courses: Mapping[str, Course], domain: str, level: int, rng: np.random.Generator) -> tuple[str, list[str]]:
    options = [c for c in courses.values() if domain in c.domains]
    if not options:
        return "C-NONE/u1", ["none"]
    best = min(options, key=lambda c: (abs(c.level - level), c.id))
    unit = best.units[int(rng.integers(len(best.units)))]
    return f"{best.id}/{unit.id}", list(unit.tags[:1]) or ["none"]


def synthetic_item(item_id: str, domain: str, level: int, kind: str, rng: np.random.Generator,
                   course_ref: str = "C-NONE/u1", tags: Sequence[str] = ()) -> Item:
    """One generated item with prior-like parameters: b = level base ± 0.5, a ∈ [0.8, 2.0], c by type."""
    b = LEVEL_BASE[level] + float(rng.uniform(-0.5, 0.5))
    a = float(rng.uniform(0.8, 2.0))
    raw: dict[str, Any] = {
        "id": item_id, "domain": domain, "level": level, "type": kind,
        "stem": {"zh": f"题目 {item_id}", "en": f"Question {item_id}"},
        "explanation": {"zh": "解释", "en": "Explanation"},
        "irt": {"a": round(a, 3), "b": round(b, 3), "c": GUESSING[kind], "source": "prior"},
        "course_refs": [course_ref], "tags": list(tags),
    }
    letters = "abcde"
    if kind == "single_choice":
        raw["options"] = [{"id": x, "zh": x, "en": x} for x in letters[:4]]
        raw["answer"] = [letters[int(rng.integers(4))]]
    elif kind == "true_false":
        raw["options"] = [{"id": "t", "zh": "对", "en": "True"}, {"id": "f", "zh": "错", "en": "False"}]
        raw["answer"] = ["t" if rng.random() < 0.5 else "f"]
    elif kind == "multiple_choice":
        raw["options"] = [{"id": x, "zh": x, "en": x} for x in letters]
        k = int(rng.integers(2, 4))
        raw["answer"] = sorted(rng.choice(list(letters), size=k, replace=False).tolist())
    elif kind == "ordering":
        raw["options"] = [{"id": x, "zh": x, "en": x} for x in letters[:4]]
        raw["answer"] = rng.permutation(list(letters[:4])).tolist()
    else:
        raw["answer"] = [
            {"zh": f"要点{j}", "en": f"point {j}", "polarity": "do", "weight": 1, "keywords": {"zh": [f"要点{j}"], "en": [f"point {j}"]}}
            for j in range(1, 5)
        ]
    return Item.model_validate(raw)


def synthetic_bank(
    n_items: int,
    *,
    seed: int = 0,
    base: Bank | None = None,
    domains: Sequence[str] | None = None,
    pilot_share: float = 0.0,
    level_weights: Mapping[int, float] | None = None,
    type_mix: Mapping[str, float] | None = None,
) -> Bank:
    """An in-memory bank of `n_items` generated items spread evenly over `domains` (default: all),
    levels 5..1 weighted toward the lower levels, the type mix of the shipped bank; roles and courses
    from `base` when given, else `default_roles()` and `default_courses()`."""
    rng = np.random.default_rng(seed)
    doms = list(domains or DOMAIN_IDS)
    roles = dict(base.roles) if base is not None else default_roles()
    courses = dict(base.courses) if base is not None else default_courses(DOMAIN_IDS)
    lw = dict(level_weights or {5: 0.25, 4: 0.3, 3: 0.25, 2: 0.12, 1: 0.08})
    levels, level_p = list(lw), np.array(list(lw.values())) / sum(lw.values())
    mix = dict(type_mix or TYPE_MIX)
    kinds, kind_p = list(mix), np.array(list(mix.values())) / sum(mix.values())
    items: dict[str, Item] = {}
    counters: Counter[str] = Counter()
    for i in range(n_items):
        d = doms[i % len(doms)]
        counters[d] += 1
        lv = int(rng.choice(levels, p=level_p))
        kind = str(rng.choice(kinds, p=kind_p))
        ref, tags = _course_unit_for(courses, d, lv, rng)
        item = synthetic_item(f"{ID_PREFIX[d]}-{counters[d]:04d}", d, lv, kind, rng, ref, tags)
        if pilot_share > 0 and rng.random() < pilot_share:
            item = item.model_copy(update={"status": "pilot"})
        items[item.id] = item
    bank = Bank(root=base.root if base is not None else Path("synthetic"))
    bank.domains = dict(base.domains) if base is not None else {}
    bank.roles, bank.courses, bank.items = roles, courses, items
    bank.content_hash = f"synthetic-{n_items}-{seed}-{len(doms)}"
    return bank
