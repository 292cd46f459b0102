"""Compatibility shim: free-text scoring moved to `assessor.grading` (clauses, negation, learned matcher,
critical errors, abstention). `Grader(embedder).grade(item, answer)` keeps its shape: `.score`, `.points`,
`.flags`, `.to_json()`, plus `.needs_review` and `.critical`."""

from assessor.grading import *  # noqa: F403  (the shim re-exports the package's public names)
from assessor.grading import __all__ as _grading_names
from assessor.retrieval.text import find_keyword as _keyword_in

__all__ = [*_grading_names, "_keyword_in"]
