"""The worker's help, never scored: "I don't understand" on the open question (plainer words from the model
through the gate, or authored) and ask-the-bank (never the open item's own answer). A mixin of
`assessor.dialogue.Assessment`."""

from __future__ import annotations

from typing import Any

from assessor.bank.schema import Item
from assessor.dialogue_base import AssessmentCore, log
from assessor.i18n import t
from assessor.responses import InputProblem, clean_text


class WorkerHelpMixin(AssessmentCore):
    """`rephrase` and `ask`."""

    def rephrase(self, session_id: str, lang: str | None = None) -> str:
        """The pending question in plainer words (model through the gate, or authored). Never scored."""
        row = self._row(session_id)
        lang = lang or row.language
        state = self._state(row)
        if state.pending_item_id is None:
            raise InputProblem("session_finished")
        item = self.bank_of(row).items[state.pending_item_id]
        self._say(session_id, t("dont_understand", lang), kind="dont_understand", source="worker", speaker="worker",
                  item_id=item.id)
        try:
            decision = self.models.lm().rephrase(item, lang)
            text, source, reason = decision.text_shown, decision.source, decision.reason
        except Exception as error:  # the worker still gets the authored plain wording
            log.exception("rephrase failed for %s; the authored wording is shown", item.id)
            text, source, reason = item.stem.get(lang), "bank", f"rephrase unavailable: {type(error).__name__}: {error}"
        if source != "model":
            text = self._authored_plain(item, lang)
        shown = t("rephrased" if source == "model" else "rephrase_none", lang, text=text)
        self._say(session_id, shown, kind="rephrase", source=source, reason=reason, item_id=item.id)
        return shown

    def _authored_plain(self, item: Item, lang: str) -> str:
        """The authored fallback for "I don't understand", in the worker's language only: the item's reviewed
        plain rephrasing (the stem where an item has none), the glossary's everyday explanation of each technical
        word in the stem and options, and the instruction for this type. Never a hint at the answer."""
        from assessor.bank.glossary import terms_in

        lines = [item.plain.get(lang) if item.plain is not None else item.stem.get(lang)]
        texts = [item.stem.get(lang), *(o.get(lang) for o in item.options)]
        for term in terms_in(texts, lang, self.bank.glossary.values())[:4]:
            lines.append(t("glossary_line", lang, term=term.term.get(lang), plain=term.plain.get(lang)))
        lines.append(t(f"type_{item.type}", lang))
        return "\n".join(lines)

    def ask(self, session_id: str | None, question: str, lang: str = "zh") -> list[dict[str, Any]]:
        """Ask-the-bank: explanations and course units that match, never the open item's own answer."""
        question = clean_text(question, max_chars=500)
        exclude: list[str] = []
        if session_id:
            row = self._row(session_id)
            state = self._state(row)
            if state.pending_item_id:
                exclude.append(state.pending_item_id)
        from assessor.retrieval.ask import ask as ask_bank

        answers = ask_bank(self.models.index(), question, k=3, exclude_item_ids=exclude, lang=lang)
        out = [a.to_json() for a in answers]
        if session_id:
            self._say(session_id, question, kind="ask", source="worker", speaker="worker")
            shown = "\n\n".join(f"{a['text']} ({t('ask_source', lang, source=a['source'])})" for a in out) or t("ask_none", lang)
            self._say(session_id, shown, kind="ask_answer", source="bank", reason="retrieved from the bank")
        return out
