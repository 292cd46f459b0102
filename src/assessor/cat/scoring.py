"""Exact scoring of one answer, per item type.

| type | response | categories | rule |
|---|---|---|---|
| single_choice | option id (or a one-element list) | 0/1 | 1 if it is the key |
| true_false | "t"/"f" (also True/False, "true"/"false", 对/错) | 0/1 | 1 if it is the key |
| multiple_choice | list of option ids | 0/1/2 | 2 = exactly the key; 1 = at least half the key (⌈k/2⌉ hits) and at most one wrong pick; else 0 |
| ordering | list of all option ids in order | 0/1 | 1 only for the exact order (no partial credit: a half-right procedure is a wrong procedure) |
| open_scenario | free text; the fraction f ∈ [0, 1] comes from the rubric grader (`partial_credit`) | 0..m | k = round(f·m), m = number of rubric points |

`score` is k / m in [0, 1]; `correct` means full credit (k = m); `verdict` is correct / partial / wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from assessor.bank.schema import Item

Verdict = Literal["correct", "partial", "wrong"]
_TRUE = {"t", "true", "yes", "对", "正确", "1"}
_FALSE = {"f", "false", "no", "错", "错误", "0"}


class ScoringError(ValueError):
    """The response does not fit the item (unknown option, missing partial credit, ...)."""


@dataclass(frozen=True)
class Score:
    category: int
    max_category: int
    score: float
    correct: bool
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "max_category": self.max_category,
            "score": self.score,
            "correct": self.correct,
            "verdict": self.verdict,
        }


def _make(k: int, m: int) -> Score:
    verdict: Verdict = "correct" if k == m else ("partial" if k > 0 else "wrong")
    return Score(k, m, round(k / m, 6), k == m, verdict)


def _as_list(response: Any) -> list[str]:
    if response is None:
        return []
    if isinstance(response, str):
        parts = [p.strip() for p in response.replace(",", " ").split()]
        return [p for p in parts if p]
    if isinstance(response, (list, tuple)):
        return [str(r).strip() for r in response]
    return [str(response).strip()]


def _true_false(response: Any) -> str:
    if isinstance(response, bool):
        return "t" if response else "f"
    values = _as_list(response)
    if len(values) != 1:
        raise ScoringError("a true/false answer is one choice")
    value = values[0].lower()
    if value in _TRUE:
        return "t"
    if value in _FALSE:
        return "f"
    raise ScoringError(f"'{values[0]}' is not true or false")


def multiple_choice_category(key: list[str], picks: list[str]) -> int:
    """2 = exactly the key; 1 = hits ≥ ⌈|key|/2⌉ and wrong picks ≤ 1; 0 otherwise."""
    chosen, keyset = set(picks), set(key)
    hits, wrong = len(chosen & keyset), len(chosen - keyset)
    if chosen == keyset:
        return 2
    if hits >= math.ceil(len(keyset) / 2) and wrong <= 1:
        return 1
    return 0


def score_response(item: Item, response: Any, partial_credit: float | None = None) -> Score:
    """Score `response` to `item` exactly (see the module table). Raises ScoringError on a malformed answer."""
    m = item.max_score_categories
    if item.type == "open_scenario":
        if partial_credit is None:
            raise ScoringError("an open answer needs its partial credit from the rubric grader")
        fraction = min(max(float(partial_credit), 0.0), 1.0)
        return _make(int(math.floor(fraction * m + 0.5)), m)
    valid = set(item.option_ids)
    if item.type == "true_false":
        return _make(int(_true_false(response) in item.key), 1)
    picks = _as_list(response)
    unknown = [p for p in picks if p not in valid]
    if unknown:
        raise ScoringError(f"unknown option(s) {unknown}; the options are {sorted(valid)}")
    if item.type == "single_choice":
        if len(picks) != 1:
            raise ScoringError("a single-choice answer is exactly one option")
        return _make(int(picks[0] in item.key), 1)
    if item.type == "multiple_choice":
        return _make(multiple_choice_category(item.key, picks), 2)
    if item.type == "ordering":
        if sorted(picks) != sorted(item.key):
            raise ScoringError("an ordering answer lists every step exactly once")
        return _make(int(picks == item.key), 1)
    raise ScoringError(f"unknown item type {item.type}")


_CHANCE_CACHE: dict[tuple[str, int, tuple[str, ...], tuple[str, ...]], tuple[float, float]] = {}


def chance_moments(item: Item) -> tuple[float, float] | None:
    """Mean and variance of the score (k/m) of a blind guess: a uniform option (single choice, true/false),
    a uniform non-empty subset (multiple choice), a uniform order (ordering); None for open items (a guess
    there is text, scored 0). Enumerated with `score_response`, cached per item id, version and key."""
    if item.type == "open_scenario":
        return None
    ids = tuple(item.option_ids)
    key = (item.id, item.version, ids, tuple(item.key))
    hit = _CHANCE_CACHE.get(key)
    if hit is not None:
        return hit
    from itertools import combinations, permutations

    if item.type == "multiple_choice":
        guesses: list[Any] = [list(c) for r in range(1, len(ids) + 1) for c in combinations(ids, r)]
    elif item.type == "ordering":
        guesses = [list(p) for p in permutations(ids)] if len(ids) <= 7 else [list(ids)]
    else:
        guesses = list(ids)
    scores = [score_response(item, g).score for g in guesses]
    mean = sum(scores) / len(scores)
    var = sum((s - mean) ** 2 for s in scores) / len(scores)
    _CHANCE_CACHE[key] = (mean, var)
    return mean, var
