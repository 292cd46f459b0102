"""Free-text answers the scorer is unsure of (issue 9): held out of the estimate until a trainer decides, shown
to the worker per point (✔ said / ✗ missing / ⚠ dangerous) and marked provisional; a trainer's decision as an
item score, and the engine state with the reviewed answer counted. Pure functions; `Assessment` stores them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assessor.bank.schema import Item
from assessor.cat import engine
from assessor.cat.engine import ItemParams, ResponseRecord, SessionState
from assessor.cat.scoring import score_response
from assessor.cat.select import item_params
from assessor.i18n import t
from assessor.views import PointFeedback

__all__ = ["held_back", "point_feedback", "review_score", "with_review"]


def held_back(before: SessionState, after: SessionState) -> SessionState:
    """The state after an answer the engine must not count yet (it waits for a trainer's review): the answer is
    kept as an unscored record (so the question is never asked again and the progress count is right), while θ,
    SE and the stop decision stay as they were before it."""
    responses = list(after.responses)
    responses[-1] = responses[-1].model_copy(update={"pilot": True, "theta": dict(before.theta),
                                                     "se": dict(before.se)})
    return after.model_copy(update={"responses": responses, "theta": dict(before.theta), "se": dict(before.se),
                                    "cov": before.cov, "finished": False, "stop_reason": None})


def point_feedback(grading: dict[str, Any], lang: str) -> list[PointFeedback]:
    """Per rubric point ✔ said / ✗ missing, then ⚠ per dangerous action, in plain words (from `to_json()`)."""
    out: list[PointFeedback] = []
    for point in grading.get("points", []):
        text = str(point.get("zh" if lang == "zh" else "en", ""))
        mark = "said" if point.get("matched") else "missing"
        out.append(PointFeedback(mark, text, t(f"point_{mark}", lang, point=text)))
    for hit in grading.get("critical", []):
        text = str(hit.get("zh" if lang == "zh" else "en", ""))
        out.append(PointFeedback("dangerous", text, t("point_danger", lang, text=text)))
    return out


def review_score(item: Item, said: Sequence[bool], critical: Sequence[int]) -> float:
    """The item score from a trainer's decision: the weights of the points said over all weights; 0 with any
    dangerous action (as the scorer does)."""
    if len(said) != len(item.rubric):
        raise ValueError(f"{item.id} has {len(item.rubric)} rubric points, the decision lists {len(said)}")
    if any(not 0 <= int(c) < len(item.critical) for c in critical):
        raise ValueError(f"{item.id} has {len(item.critical)} critical errors, not {list(critical)}")
    if critical:
        return 0.0
    total = sum(p.weight for p in item.rubric)
    return sum(p.weight for p, s in zip(item.rubric, said, strict=True) if s) / total if total else 0.0


def with_review(state: SessionState, item: Item, response: Any, score: float) -> SessionState:
    """`state` with the stored `response` to `item` counted at the trainer's `score` (replacing the held,
    unscored record or an earlier decision, at its place in the order), θ and SE re-estimated."""
    scored = score_response(item, response.answer, score)
    params = response.item_params
    if not params:
        a, b, c, steps = item_params(item)
        params = {"a": a, "b": b, "c": c, "steps": list(steps) if steps is not None else None}
    kept = [r for r in state.responses if r.item_id != item.id]
    seq = next((r.seq for r in state.responses if r.item_id == item.id), len(kept) + 1)
    record = ResponseRecord(
        seq=seq, item_id=item.id, item_version=response.item_version, domain=item.domain, level=item.level,
        type=item.type, tags=list(item.tags), course_refs=list(item.course_refs),
        params=ItemParams(a=params["a"], b=params["b"], c=params.get("c", 0.0), steps=params.get("steps")),
        response=response.answer, partial_credit=score, category=scored.category,
        max_category=scored.max_category, score=scored.score, correct=scored.correct, verdict=scored.verdict,
        pilot=bool(response.pilot), seconds=response.seconds)
    new = state.model_copy(update={"responses": sorted([*kept, record], key=lambda r: r.seq)})
    if not record.pilot:
        est = engine.estimate_state(new)
        new.theta, new.se = est.as_dicts()
        new.cov = est.cov.tolist()
    record.theta, record.se = dict(new.theta), dict(new.se)
    return new
