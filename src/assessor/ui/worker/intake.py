"""The worker page's intake handlers: choosing a role, placement from "tell me about your work", starting a
quiz and resuming one by its code.
"""

from __future__ import annotations

import concurrent.futures
import logging
import math
from typing import Any

import gradio as gr

from assessor.dialogue import InputProblem, clean_text
from assessor.i18n import t
from assessor.ui.text import safe_markdown
from assessor.ui.worker.model import Tab, Updates
from assessor.ui.worker.steps import QuizSteps

log = logging.getLogger(__name__)
PLACE_WAIT = 4.0  # seconds placement may wait for models still loading before the page says "getting ready"
_LOADING = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="assessor-place")


class IntakeHandlers(QuizSteps):
    """The intake's event handlers (a mixin of the worker page)."""

    def on_role(self, role: Any, tab: Tab) -> Updates:
        """A role is picked: the level choices become that role's levels (the highest preselected)."""
        tab.role = role if role in self.bank.roles else None
        updates = self._render(tab)
        levels = self.choices(tab).levels
        updates[self.level_radio] = gr.update(choices=levels, value=levels[0][1] if levels else None,
                                              label=t("ask_level", tab.lang))
        return updates

    def on_place(self, text: Any, tab: Tab) -> Updates:
        """'Tell me about your work': placement suggests a role and domains for the worker to confirm."""
        lang = tab.lang
        try:
            cleaned = clean_text(text)
            placed = self._place(cleaned, lang)
        except InputProblem as problem:
            return self._render(tab, notice=t("placement_empty", lang) if problem.key == "empty_answer"
                                else problem.message(lang), at="place")
        except TimeoutError:
            return self._render(tab, notice=t("models_loading", lang), at="place")
        except Exception:
            log.exception("placement failed")
            return self._render(tab, notice=t("ui_error", lang), at="place")
        tab.description = cleaned
        role = placed.get("role")
        tab.role = role if role in self.bank.roles else tab.role
        tab.suggested_domains = [d for d in placed.get("top_domains", []) if d in self.bank.domains]
        updates = self._render(tab)
        choices = self.choices(tab)
        updates[self.place_msg] = safe_markdown(placed.get("message", ""))
        updates[self.place_domains] = gr.update(choices=choices.domains, value=list(tab.suggested_domains),
                                                visible=bool(choices.domains), label=t("place_domains", lang))
        updates[self.role_radio] = gr.update(value=tab.role, choices=choices.roles, label=t("ask_role", lang))
        updates[self.level_radio] = gr.update(choices=choices.levels, value=choices.levels[0][1] if choices.levels
                                              else None, label=t("ask_level", lang))
        return updates

    def _place(self, text: str, lang: str) -> dict[str, Any]:
        """Placement; while the models are still loading, wait a few seconds at most (TimeoutError: the page
        says 正在准备，请稍等 next to the button and the loading goes on)."""
        if self.ctx.models.ready:
            return self.assessment.place(text, lang)
        future = _LOADING.submit(self.assessment.place, text, lang)
        try:
            return future.result(timeout=PLACE_WAIT)
        except concurrent.futures.TimeoutError as error:
            raise TimeoutError from error

    def on_start(self, code: Any, role: Any, level: Any, years: Any, domains: Any, tab: Tab) -> Updates:
        """Create the session and show the first question."""
        level_number = _int_or_none(level)
        picked = [d for d in (domains or []) if d in tab.suggested_domains]

        def start() -> None:
            if not isinstance(role, str) or role not in self.bank.roles:
                raise InputProblem("need_role")
            if level_number is None:
                raise InputProblem("bad_level", role=self.assessment.role_name(role, tab.lang))
            turn = self.assessment.start(
                str(code) if code is not None else "", role=role, level=level_number, lang=tab.lang,
                years=_years(years), placement_domains=picked, description=tab.description)
            tab.role = role
            self._apply_turn(tab, turn)

        return self._guard(tab, start, new_question=True, at="start")

    def on_resume(self, code: Any, tab: Tab) -> Updates:
        """Continue by resume code: the same pending question, or the result."""
        return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.resume(str(code or ""), tab.lang)),
                           new_question=True, keep_notice=True, at="resume")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _years(value: Any) -> float | None:
    try:
        years = float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None
    return years if years is not None and math.isfinite(years) and 0 <= years <= 60 else None
