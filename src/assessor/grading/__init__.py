"""Free-text scoring of open_scenario answers: clauses and negation scope, rubric targets, the learned matcher,
critical errors, abstention (needs trainer review), the labelled corpus, training and the review rules."""

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

__all__ = ["DEFAULT_PARAMS", "CriticalHit", "GradeResult", "Grader", "GradingParams", "PointResult", "get_grader",
           "grade", "score_band"]
