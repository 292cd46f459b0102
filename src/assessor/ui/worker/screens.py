"""The worker page's base: its services (bank, dialogue, practice, report folder) and the screen model of a tab
after a step (`screen_of`, `_render`): the transcript's tail, the intake's choices, the radar chart and the
shown question in the other language.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from assessor.bank.schema import LEVEL_NAMES
from assessor.dialogue import ResultView
from assessor.i18n import t
from assessor.practice import Practice
from assessor.report.files import FileFolder
from assessor.ui.context import AppContext
from assessor.ui.text import chat_messages
from assessor.ui.worker.layout import WorkerLayout
from assessor.ui.worker.model import Choices, OtherLanguage, Tab, Updates, WorkerScreen
from assessor.ui.worker.render import render, shown_question
from assessor.views import QuestionView

CHAT_TAIL = 40  # the chat shows the latest messages; the whole transcript stays in the store for trainers
_TICKS = itertools.count(1)
YEARS = (("years_lt1", 0.5), ("years_1_3", 2.0), ("years_3_8", 5.0), ("years_8", 10.0))


def years_choices(lang: str) -> list[tuple[str, float]]:
    """Years in this work as a few big buttons (optional; the middle of each band is what the engine gets)."""
    return [(t(key, lang), years) for key, years in YEARS]


class WorkerScreens(WorkerLayout):
    """The page's services and its screen model (the base of the worker page's handler mixins)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.bank = ctx.bank
        self.assessment = ctx.assessment
        self.practice = Practice(ctx.bank, ctx.assessment.store)
        self.reports = FileFolder(ctx.report_dir)

    # ------------------------------------------------------------------ screen
    def choices(self, tab: Tab) -> Choices:
        """The intake's choices in the tab's language (levels of the chosen role, or every level)."""
        lang = tab.lang
        if tab.role is None:
            levels = sorted({lv for role in self.bank.roles.values() for lv in role.levels}, reverse=True)
        else:
            levels = self.assessment.levels_for(tab.role)
        return Choices(roles=self.assessment.roles(lang), levels=[(LEVEL_NAMES[lv][lang], lv) for lv in levels],
                       years=years_choices(lang),
                       domains=[(self.assessment.domain_name(d, lang), d) for d in tab.suggested_domains])

    def screen_of(self, tab: Tab, *, notice: str = "", new_question: bool = False, labels: bool = False,
                  set_lang: bool = False, extra_chat: list[dict[str, str]] | None = None,
                  at: str = "top") -> WorkerScreen:
        """The screen model for `tab` after a step (reads the transcript and builds the chart when needed)."""
        send_result = labels or set_lang or tab.result_is_new
        tab.result_is_new = False
        chat = chat_messages(self._answered_only(tab)) if tab.session_id and tab.practice is None else []
        radar = self._radar(tab.result) if send_result and tab.mode == "result" and tab.result else None
        shown = shown_question(tab)
        return WorkerScreen(tab=tab, choices=self.choices(tab), notice=notice, chat=chat + (extra_chat or []),
                            radar=radar, labels=labels, set_lang=set_lang, new_question=new_question,
                            send_result=send_result, notice_at=at, tick=next(_TICKS),
                            glossary=list(self.bank.glossary.values()), other=self._other(shown))

    def _answered_only(self, tab: Tab) -> list[Any]:
        """The transcript's tail; while a verdict is up, without the next question (already stored as pending):
        the transcript shows only what she has answered so far."""
        messages = self.assessment.transcript(tab.session_id or "", tail=CHAT_TAIL)
        pending = tab.question.item_id if tab.answered is not None and tab.question is not None else None
        if pending is not None and pending != tab.answered.question.item_id:  # type: ignore[union-attr]
            cut = next((i for i in range(len(messages) - 1, -1, -1)
                        if messages[i].kind == "question" and messages[i].item_id == pending), None)
            if cut is not None:
                messages = messages[:cut]
        return messages

    def _other(self, shown: QuestionView | None) -> OtherLanguage | None:
        """The shown question in the other language (for the card's 看英文 / 看中文 toggle)."""
        item = self.bank.items.get(shown.item_id) if shown is not None else None
        if shown is None or item is None:
            return None
        other = "en" if shown.lang == "zh" else "zh"
        return OtherLanguage(lang=other, stem=item.stem.get(other), options=[o.text(other) for o in item.options])

    def _render(self, tab: Tab, **flags: Any) -> Updates:
        return render(self.screen_of(tab, **flags), self)

    def _radar(self, result: ResultView) -> str:
        """The result's radar chart as an inline SVG (drawn by the browser, with its own fonts)."""
        from assessor.ui.radar_svg import radar_svg

        role = self.bank.roles.get(result.role)
        level = role.levels.get(result.level) if role else None
        cut = float(level.cut_score) if level is not None else None
        return radar_svg(
            [r.name for r in result.rows], [r.theta for r in result.rows], errors=[r.se for r in result.rows],
            cut=cut if cut is not None and math.isfinite(cut) else None,
            title=t("radar_title", result.lang), cut_label=t("radar_cut", result.lang), lang=result.lang)
