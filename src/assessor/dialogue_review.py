"""A trainer's review of a held free-text answer: store the decision and count the answer in the session
with the trainer's score (the engine state rebuilt; a finished session's result recomputed), with its
compare-and-swap retry. A mixin of `assessor.dialogue.Assessment`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assessor.bank.schema import Item
from assessor.cat import engine
from assessor.cat.engine import SessionState
from assessor.dialogue_base import AssessmentCore
from assessor.i18n import t
from assessor.recommend import recommend
from assessor.responses import InputProblem
from assessor.results import authored_summary
from assessor.reviewing import review_score, with_review
from assessor.store import AssessmentSession, StaleSession


class TrainerReviewMixin(AssessmentCore):
    """`apply_review` and the writes behind it."""

    # ---- a trainer's review of a held free-text answer
    def apply_review(self, session_id: str, response_id: int, *, trainer: str, said: Sequence[bool],
                     critical: Sequence[int] = (), note: str = "") -> float:
        """Store a trainer's decision on a free-text answer (who and when, `Store.record_review`) and count the
        answer in the session with the trainer's score: the engine state is rebuilt with it and, for a finished
        session, the stored result is recomputed. Returns the score."""
        response = next((r for r in self.store.responses(session_id) if r.id == response_id), None)
        if response is None:
            raise KeyError(response_id)
        item = self.bank.items.get(response.item_id)
        if item is None or item.type != "open_scenario":
            raise ValueError(f"response {response_id} is not a free-text answer of this bank")
        score = review_score(item, said, critical)
        self.store.record_review(response_id, trainer=trainer,
                                 points=[{"point": i, "said": bool(s)} for i, s in enumerate(said)],
                                 critical=[str(int(c)) for c in critical], score=score, note=note)
        self._count_reviewed(session_id, response, item, score)
        row = self._row(session_id)
        self._say(session_id, t("review_done", row.language, score=f"{score:.2f}"), kind="review", source="system",
                  reason=f"trainer review by {trainer}"[:255], item_id=item.id, speaker="trainer")
        return score

    def _count_reviewed(self, session_id: str, response: Any, item: Item, score: float) -> None:
        """Put the reviewed answer into the session's engine state (replacing an earlier decision), re-estimate,
        and save; a finished session gets its result recomputed. Retries when the worker writes meanwhile."""
        with self._lock(session_id):
            for _attempt in range(5):
                row = self._row(session_id)
                new = with_review(self._state(row), item, response, score)
                try:
                    if row.status == "finished":
                        self._rescore_finished(row, new)
                    else:
                        self._save(row, new)
                    return
                except StaleSession:
                    continue
            raise InputProblem("stale_question")

    def _rescore_finished(self, row: AssessmentSession, state: SessionState) -> None:
        """A finished session's stored result after a review changed its answers (the authored summary)."""
        lang = row.language
        results = engine.results(self.bank, state)
        courses = recommend(self.bank, results)
        payload = {**(row.results or {}), "results": results.model_dump(mode="json"),
                   "recommendations": [c.to_dict() for c in courses],
                   "summary": {"text": authored_summary(self.bank, results, courses, lang), "source": "bank",
                               "reason": "recomputed after a trainer's review", "lang": lang}}
        self.store.update_results(row.id, results=payload, level_reached=results.overall.level_shown,
                                  ready=results.overall.ready, state={"engine": state.to_dict(), "lang": lang},
                                  expected_version=row.version)
