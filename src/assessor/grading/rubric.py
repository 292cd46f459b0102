"""What an answer to an open item may state: its rubric points and its critical errors, as *targets*.

A target's phrases are the clauses of its zh and en texts and of its examples, each with a polarity. A point
whose text is one clause per language takes its declared polarity (`do` = +1, `do_not` = −1); a point written
as several clauses ("保持清洁干燥，不乱涂东西，不按摩") keeps each clause's own polarity, so "别乱涂" earns it
and "涂点药膏" does not. A critical error is a target whose phrases state the dangerous action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assessor.bank.schema import Item
from assessor.grading.clauses import Clause, clause_of, split_answer

TargetKind = Literal["point", "critical"]


@dataclass(frozen=True)
class Target:
    """A rubric point or a critical error of one item, with the phrases an answer is compared with."""

    kind: TargetKind
    index: int
    zh: str
    en: str
    weight: float
    polarity: int
    keywords: tuple[str, ...]
    phrases: tuple[Clause, ...]


def _phrases(texts: list[tuple[str, str]], declared: int | None) -> tuple[Clause, ...]:
    """Clauses of the given (text, lang) pairs; a one-clause text takes the declared polarity when given."""
    out: list[Clause] = []
    seen: set[tuple[str, int]] = set()
    for text, lang in texts:
        parts = split_answer(text) or [text]
        for part in parts:
            clause = clause_of(part, lang)
            if declared is not None and len(parts) == 1 and clause.polarity != declared:
                clause = Clause(clause.text, clause.core, declared, clause.lang, clause.has_action)
            key = (clause.core, clause.polarity)
            if key not in seen:
                seen.add(key)
                out.append(clause)
    return tuple(out)


def point_targets(item: Item) -> list[Target]:
    """The item's rubric points as targets (ValueError for an item without a rubric)."""
    if item.type != "open_scenario" or not item.rubric:
        raise ValueError(f"item {item.id} is not an open_scenario item with a rubric")
    out = []
    for i, point in enumerate(item.rubric):
        declared = -1 if point.polarity == "do_not" else 1
        texts = [(point.zh, "zh"), (point.en, "en")]
        texts += [(e, "zh") for e in point.examples.zh] + [(e, "en") for e in point.examples.en]
        out.append(Target("point", i, point.zh, point.en, float(point.weight), declared,
                          tuple(point.keywords.all()), _phrases(texts, declared)))
    return out


def critical_targets(item: Item) -> list[Target]:
    """The item's critical errors as targets: each phrase states the dangerous action (its own polarity)."""
    out = []
    for i, error in enumerate(item.critical):
        texts = [(error.zh, "zh"), (error.en, "en")]
        texts += [(e, "zh") for e in error.examples.zh] + [(e, "en") for e in error.examples.en]
        out.append(Target("critical", i, error.zh, error.en, 0.0, 1, (), _phrases(texts, None)))
    return out
