"""One dialogue step of the worker page: `_guard` runs a step (a problem becomes a plain message) and renders;
`_apply_turn` copies a dialogue turn into the tab (and writes the report PDF once a result is in); `_answer`
scores and stores a quiz answer and keeps its verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from assessor.dialogue import InputProblem, ResultView, Turn
from assessor.i18n import t
from assessor.ui.text import safe_markdown
from assessor.ui.worker.model import Answered, Tab, Updates
from assessor.ui.worker.screens import WorkerScreens

log = logging.getLogger(__name__)
REPORT_VERSION = 2  # part of the report's file name: a new layout makes new files


class QuizSteps(WorkerScreens):
    """Runs dialogue steps for the handlers: the guard, applying a turn, answering, the report."""

    # ------------------------------------------------------------------ steps
    def _answer(self, tab: Tab, response: Any) -> Updates:
        question, sid = tab.question, tab.session_id
        if question is None or sid is None:
            return self._render(tab)
        item_id = question.item_id

        def answer() -> None:
            try:
                turn = self.assessment.answer(sid, item_id, response, lang=tab.lang)
            except InputProblem as problem:
                if problem.key in ("stale_question", "session_finished"):  # a double tap: show where it stands
                    self._apply_turn(tab, self.assessment.current(sid, tab.lang))
                raise
            self.keep_voice(tab, sid, item_id)  # a held voice clip goes with this response (keep_audio only)
            self._apply_turn(tab, turn)
            if turn.feedback is not None:
                tab.answered = Answered(question=question, chosen=chosen(response), feedback=turn.feedback,
                                        key=self._key(item_id))

        return self._guard(tab, answer, new_question=True, at="quiz")

    def _key(self, item_id: str) -> list[str]:
        """The answered item's key (its answer is stored by now), to mark the right option on the verdict."""
        item = self.bank.items.get(item_id)
        return [str(k) for k in item.key] if item is not None and isinstance(item.key, list) else []

    def _guard(self, tab: Tab, step: Callable[[], Any], *, new_question: bool = False, keep_notice: bool = False,
               announce_question: bool = False, labels: bool = False, at: str = "top") -> Updates:
        """Run a step; an `InputProblem` becomes a plain message, anything else a calm apology (logged)."""
        before = tab.question.item_id if tab.question else None
        try:
            notice = step()
            notice = notice if isinstance(notice, str) and keep_notice else ""
        except InputProblem as problem:
            return self._render(tab, notice=problem.message(tab.lang), labels=labels, at=at)
        except Exception:
            log.exception("worker step failed")
            return self._render(tab, notice=t("ui_error", tab.lang), labels=labels, at=at)
        changed = (tab.question.item_id if tab.question else None) != before
        extra = []
        if announce_question and tab.question is not None:
            extra.append({"role": "assistant", "content": safe_markdown(tab.question.as_markdown())})
        return self._render(tab, notice=notice, new_question=new_question and changed or announce_question,
                            extra_chat=extra, labels=labels, at=at)

    def _apply_turn(self, tab: Tab, turn: Turn) -> str | None:
        tab.session_id = turn.session_id
        tab.resume_code = turn.resume_code
        if turn.result is not None:
            tab.result = turn.result
            tab.question = None
            tab.order = []
            tab.pdf_path = self._report(turn.result)
            tab.result_is_new = True
            tab.confirm_stop = False
        elif turn.question is not None:
            if tab.question is None or tab.question.item_id != turn.question.item_id:
                tab.order = []
                tab.rephrased = None
            tab.question = turn.question
            tab.result = None
        return turn.notice

    def _report(self, result: ResultView) -> str | None:
        """The worker's PDF report, written once per session, language and report version (None on failure)."""
        name = f"report-{result.resume_code}-{result.lang}-v{REPORT_VERSION}.pdf"
        try:
            path = self.reports.once(name, lambda: self.assessment.report_pdf(result.session_id, result.lang))
        except Exception:
            log.exception("worker report failed")
            return None
        return str(path)


def chosen(response: Any) -> list[str]:
    """What she answered as a list of strings (option ids, the ordering, or her text)."""
    if isinstance(response, (list, tuple)):
        return [str(r) for r in response]
    return [] if response is None else [str(response)]
