"""Compatibility shim: free-text scoring moved to `assessor.grading` (clauses, negation, learned matcher,
critical errors, abstention). `Grader(embedder).grade(item, answer)` keeps its shape: `.score`, `.points`,
`.flags`, `.to_json()`, plus `.needs_review` and `.critical`."""

from assessor.grading.scorer import (
    DEFAULT_PARAMS,
    CriticalHit,
    Grader,
    GradeResult,
    GradingParams,
    PointResult,
    get_grader,
    grade,
    score_band,
)
from assessor.retrieval.text import find_keyword as _keyword_in

__all__ = ["DEFAULT_PARAMS", "CriticalHit", "GradeResult", "Grader", "GradingParams", "PointResult", "_keyword_in",
           "get_grader", "grade", "score_band"]
