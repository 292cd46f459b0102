"""The trainer's bank handlers: check the bank folder, search its passages, preview one item in both languages."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assessor.bank.load import check_bank
from assessor.bank.stats import bank_stats
from assessor.i18n import bi
from assessor.ui.text import plain
from assessor.ui.trainer.auth import Problem, Scope, clean
from assessor.ui.trainer.guard import TrainerBase, Updates
from assessor.ui.trainer.layout import SEARCH_KINDS
from assessor.ui.trainer.preview import item_meta, item_preview
from assessor.ui.trainer.tables import hits_frame, problems_frame
from assessor.ui.trainer.waiting import call_with_timeout


class BankHandlers(TrainerBase):
    """Bank tab: `on_bank_check`, `on_bank_search` (waits briefly for the index), `on_hit_select`, `on_preview`."""

    def on_bank_check(self, user: Any) -> Updates:
        """Validate the bank folder and count it."""

        def step(_scope: Scope) -> Updates:
            _bank, problems = check_bank(self.bank.root)
            notice = bi("tr_bank_problems", n=len(problems)) if problems else bi("tr_bank_ok", n=len(self.bank.items))
            if self.ctx.models.error:
                notice += "\n\n" + bi("tr_models_error", error=plain(self.ctx.models.error))
            return {self.notice: notice, self.problems_table: problems_frame(problems),
                    self.stats_json: bank_stats(self.bank)}

        return self._guard(user, step)

    def on_bank_search(self, user: Any, query: Any, kinds: Any) -> Updates:
        """Semantic search over the bank's passages."""

        def step(_scope: Scope) -> Updates:
            text = clean(query)
            if not text:
                raise Problem(bi("tr_empty_query"))
            chosen = [k for k in (kinds or []) if k in SEARCH_KINDS] or list(SEARCH_KINDS)
            try:
                index = call_with_timeout(self.ctx.models.index, self.model_wait)
            except TimeoutError as error:
                raise Problem(bi("tr_models_loading")) from error
            return {self.notice: "", self.hits_table: hits_frame(index.search(text, k=10, kinds=chosen))}

        return self._guard(user, step)

    def on_hit_select(self, user: Any, event: gr.SelectData) -> Updates:
        """A click on a search hit that is an item picks it for the preview."""

        def step(_scope: Scope) -> Updates:
            row = getattr(event, "row_value", None) or []
            ref = str(row[2]) if len(row) > 2 else ""
            return {self.notice: "", self.item_pick: gr.update(value=ref)} if ref in self.bank.items else {self.notice: ""}

        return self._guard(user, step)

    def on_preview(self, user: Any, item_id: Any) -> Updates:
        """One item in both languages with its parameters."""

        def step(_scope: Scope) -> Updates:
            wanted = clean(item_id, 32)
            item = self.bank.items.get(wanted)
            if item is None:
                raise Problem(bi("tr_unknown_item", id=plain(wanted)))
            return {self.notice: "", self.preview_zh: item_preview(self.bank, item, "zh"),
                    self.preview_en: item_preview(self.bank, item, "en"), self.preview_meta: item_meta(self.bank, item)}

        return self._guard(user, step)

