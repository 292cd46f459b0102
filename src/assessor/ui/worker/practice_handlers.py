"""The worker page's 错题本 and practice-round handlers: the review of wrong answers after the result, and the
unscored 练一练 rounds started from the result's or the review's weak areas (the assessment is never changed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assessor.i18n import t
from assessor.practice import PracticeTurn
from assessor.ui.worker.model import CHOICE_TYPES, Answered, PracticeRound, Tab, Updates
from assessor.ui.worker.render import (
    practice_areas,
    practice_buttons,
    review_areas,
    review_html,
    shown_question,
)
from assessor.ui.worker.steps import QuizSteps, chosen


class PracticeHandlers(QuizSteps):
    """错题本 and practice-round handlers (a mixin of the worker page)."""

    def on_review(self, tab: Tab) -> Updates:
        """错题本 after the result: each wrong or partly right answer with the right answer and the explanation."""
        entries: list[dict[str, Any]] = []

        def review() -> None:
            if tab.mode == "result" and tab.session_id is not None:
                entries.extend(self.assessment.review(tab.session_id, tab.lang))

        updates = self._guard(tab, review, at="top")
        if tab.mode == "result":
            updates[self.review_html] = review_html(entries, tab.lang, list(self.bank.glossary.values()))
            tab.review_domains = list(dict.fromkeys(str(e["domain"]) for e in entries))
            updates.update(practice_buttons(self.review_practice_btns, review_areas(tab), tab.lang,
                                            self.review_practice_head))
        return updates

    # ------------------------------------------------------------------ practice
    def _practice_handler(self, index: int, source: str) -> Callable[[Tab], Updates]:
        def practise(tab: Tab) -> Updates:
            return self.on_practice(index, source, tab)

        practise.__name__ = f"practice_{source}_{index}"
        return practise

    def on_practice(self, index: int, source: str, tab: Tab) -> Updates:
        """练一练这方面 / Practise this area: an unscored round from the area of button `index` (of the result's
        weak areas, or of 错题本's when `source` is "review"); the assessment is never changed."""
        if tab.mode != "result" or tab.result is None or tab.session_id is None:
            return self._render(tab)
        areas = review_areas(tab) if source == "review" else practice_areas(tab.result)
        if not 0 <= index < len(areas):
            return self._render(tab)
        domain, sid = areas[index][0], tab.session_id

        def start() -> None:
            tab.practice = PracticeRound(turn=self.practice.start(sid, domain, tab.lang))

        return self._guard(tab, start, new_question=True, at="top")

    def _practice_tap(self, index: int, tab: Tab) -> Updates:
        question = shown_question(tab)
        if question is None or question.type not in CHOICE_TYPES:
            return self._render(tab)
        if not 0 <= index < len(question.options):
            return self._render(tab, notice=t("bad_option", tab.lang), at="quiz")
        return self._practice_answer(tab, question.options[index][0])

    def _practice_answer(self, tab: Tab, response: Any) -> Updates:
        """Score and store a practice answer (under the practice session only) and show its verdict."""
        practice = tab.practice
        question = shown_question(tab)
        if practice is None or question is None:
            return self._render(tab)
        sid, item_id = practice.turn.session_id, question.item_id

        def answer() -> None:
            turn: PracticeTurn = self.practice.answer(sid, item_id, response, tab.lang)
            self.keep_voice(tab, sid, item_id)
            practice.turn = turn
            if turn.feedback is not None:
                practice.answered = Answered(question=question, chosen=chosen(response), feedback=turn.feedback,
                                             key=self._key(item_id))

        return self._guard(tab, answer, new_question=True, at="quiz")
