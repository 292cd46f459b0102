"""Agreement figures between the scorer and labelled answers (used by bench/grading.py and `assessor grader`).

- band: none < 0.25 ≤ partial < 0.75 ≤ full, of the labelled score (matched weight / total, 0 with a critical
  error) and of the machine's score; quadratic-weighted kappa κ_w = 1 − Σ w_ij O_ij / Σ w_ij E_ij with
  w_ij = (i − j)², on answers the scorer did not abstain on;
- unsafe_pass: share of dangerous or negated answers (kind, or a labelled critical error) scored ≥ 0.5;
- complete_full: share of complete own-words answers scored ≥ 0.75;
- abstain: share of answers sent for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from assessor.bank.load import Bank
from assessor.grading.corpus import Example
from assessor.grading.scorer import GradeResult, score_band

BANDS = ("none", "partial", "full")
UNSAFE_KINDS = ("dangerous_with_topic_words", "negated", "dangerous", "wrong")
COMPLETE_KINDS = ("complete_own_words", "paraphrase_no_keywords")


class GradedLike(Protocol):
    example: Example
    result: GradeResult


def labelled_score(bank: Bank, ex: Example) -> float:
    """The label's score: said weight / total weight, 0 when a critical error is committed."""
    if ex.critical:
        return 0.0
    weights = [p.weight for p in bank.items[ex.item].rubric]
    return sum(w for w, s in zip(weights, ex.said, strict=True) if s) / sum(weights)


def quadratic_kappa(a: Sequence[str], b: Sequence[str], categories: Sequence[str] = BANDS) -> float:
    """Quadratic-weighted Cohen's kappa of two ordinal label sequences (1.0 when both are constant and equal)."""
    n = len(a)
    if n == 0:
        return float("nan")
    k = len(categories)
    index = {c: i for i, c in enumerate(categories)}
    observed = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        observed[index[x], index[y]] += 1
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n
    weights = np.array([[(i - j) ** 2 for j in range(k)] for i in range(k)], dtype=float)
    denominator = (weights * expected).sum()
    return 1.0 if denominator == 0 else float(1 - (weights * observed).sum() / denominator)


def summary(bank: Bank, graded: Sequence[GradedLike]) -> dict[str, float]:
    """The figures of the module docstring over graded examples (NaN where a subset is empty)."""
    kept = [g for g in graded if not g.result.needs_review]
    gold = [score_band(labelled_score(bank, g.example)) for g in kept]
    pred = [score_band(g.result.score) for g in kept]
    unsafe = [g for g in graded if g.example.kind in UNSAFE_KINDS or g.example.critical]
    complete = [g for g in graded if g.example.kind in COMPLETE_KINDS]
    unsafe_kept = [g for g in unsafe if not g.result.needs_review]
    complete_kept = [g for g in complete if not g.result.needs_review]
    points = [(p.matched, s) for g in kept for p, s in zip(g.result.points, g.example.said, strict=True)]
    return {
        "answers": float(len(graded)),
        "kept": float(len(kept)),
        "band_qwk": quadratic_kappa(gold, pred),
        "band_accuracy": float(np.mean([x == y for x, y in zip(gold, pred, strict=True)])) if kept else float("nan"),
        "point_accuracy": float(np.mean([m == s for m, s in points])) if points else float("nan"),
        "unsafe_pass": float(np.mean([g.result.score >= 0.5 for g in unsafe_kept])) if unsafe_kept else float("nan"),
        "complete_full": float(np.mean([g.result.score >= 0.75 for g in complete_kept])) if complete_kept
        else float("nan"),
        "abstain": float(np.mean([g.result.needs_review for g in graded])) if graded else float("nan"),
    }
