"""The trainer's review-queue handlers: free-text answers waiting in the centre, one on the card, the ticks stored."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assessor.i18n import bi
from assessor.store import AssessmentSession, Response
from assessor.ui.trainer.auth import Problem, Scope, clean
from assessor.ui.trainer.guard import TrainerBase, Updates
from assessor.ui.trainer.review import decision, queue_choices, review_card


class ReviewHandlers(TrainerBase):
    """Review tab: `on_review_queue` shows the queue and a card, `on_review_confirm` stores a decision."""

    def _pending(self, scope: Scope) -> list[tuple[Response, AssessmentSession]]:
        return [(r, s) for r, s in self.store.pending_reviews(scope.centre) if r.item_id in self.bank.items]

    def _review_updates(self, scope: Scope, wanted: str | None, notice: str) -> Updates:
        """The queue (dropdown) with `wanted` (or the oldest) open on the card, checkboxes pre-set."""
        pending = self._pending(scope)
        choices = queue_choices(pending, self.bank)
        chosen = next(((r, s) for r, s in pending if str(r.id) == wanted), pending[0] if pending else None)
        count = bi("tr_review_count", n=len(pending)) if pending else bi("tr_review_none")
        notice = f"{notice}\n\n{count}" if notice else count
        if chosen is None:
            return {self.notice: notice, self.review_pick: gr.update(choices=[], value=None), self.review_card: "",
                    self.review_points: gr.update(choices=[], value=[]),
                    self.review_critical: gr.update(choices=[], value=[])}
        response, session = chosen
        card = review_card(self.bank.items[response.item_id], response, session)
        return {self.notice: notice, self.review_pick: gr.update(choices=choices, value=str(response.id)),
                self.review_card: card.markdown,
                self.review_points: gr.update(choices=card.point_choices, value=card.points_said),
                self.review_critical: gr.update(choices=card.critical_choices, value=card.critical_found,
                                                visible=bool(card.critical_choices))}

    def on_review_queue(self, user: Any, response_id: Any = None) -> Updates:
        """The answers waiting for review in the trainer's centre; the picked one (or the oldest) on the card."""
        return self._guard(user, lambda scope: self._review_updates(scope, clean(response_id, 16) or None, ""))

    def on_review_confirm(self, user: Any, response_id: Any, points: Any, critical: Any) -> Updates:
        """Store the ticked points (who and when), count the answer into its session, show the next one."""

        def step(scope: Scope) -> Updates:
            wanted = clean(response_id, 16)
            found = next(((r, s) for r, s in self._pending(scope) if str(r.id) == wanted), None)
            if found is None:
                raise Problem(bi("tr_review_gone"))
            response, session = found
            said, dangers = decision(self.bank.items[response.item_id], points, critical)
            score = self.ctx.assessment.apply_review(session.id, response.id, trainer=scope.username, said=said,
                                                     critical=dangers)
            return self._review_updates(scope, None, bi("tr_review_saved", score=f"{score:.2f}"))

        return self._guard(user, step)

