"""A session's result and what a front end reads back: finishing (the stored result with the model's summary
through the gate, or the authored one), the result in any language, the 错题本 review, the transcript and the
PDF report. A mixin of `assessor.dialogue.Assessment`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assessor.cat import engine
from assessor.cat.engine import SessionState
from assessor.dialogue_base import GATE_PASSED, AssessmentCore, log
from assessor.i18n import join
from assessor.recommend import recommend
from assessor.responses import InputProblem, answer_text
from assessor.results import authored_summary, result_view, summary_input
from assessor.store import AssessmentSession, Message, StaleSession
from assessor.views import ResultView


class ResultsMixin(AssessmentCore):
    """Finishing a session and reading its result, review, transcript and report."""

    # ---- results
    def _finish(self, row: AssessmentSession, state: SessionState, lang: str) -> ResultView:
        results = engine.results(self.bank, state)
        courses = recommend(self.bank, results)
        try:
            decision = self.models.lm().summary(summary_input(self.bank, results, courses, lang), lang, "worker")
            summary, source, reason = decision.text_shown, decision.source, decision.reason
        except Exception as error:  # the worker still gets the authored summary
            log.exception("model summary failed for session %s; the authored summary is shown", row.id)
            summary, source, reason = "", "bank", f"summary unavailable: {type(error).__name__}: {error}"
        if source != "model":
            summary = authored_summary(self.bank, results, courses, lang)
        payload = {
            "results": results.model_dump(mode="json"),
            "recommendations": [c.to_dict() for c in courses],
            "summary": {"text": summary, "source": source, "reason": reason, "lang": lang},
        }
        try:
            row.version = self.store.finish_session(row.id, results=payload, level_reached=results.overall.level_shown,
                                                    ready=results.overall.ready,
                                                    state={"engine": state.to_dict(), "lang": lang},
                                                    expected_version=row.version)
        except StaleSession:  # finished (or answered) meanwhile by another request: show what is stored
            fresh = self._row(row.id)
            if fresh.status == "finished":
                return self.result(row.id, lang)
            raise InputProblem("stale_question") from None
        view = result_view(self.bank, session_id=row.id, resume_code=row.resume_code, results=results,
                           courses=courses, summary=summary, source=source, lang=lang)
        view.pending_reviews = self.pending_reviews(row.id)
        self._say(row.id, view.as_markdown(), kind="result", source="bank", reason="engine results and course rules")
        if source == "model":
            self._say(row.id, summary, kind="summary", source="model", reason=f"{GATE_PASSED}{reason}")
        return view

    def result(self, session_id: str, lang: str | None = None) -> ResultView:
        """The stored result of a finished session, in `lang` (rebuilt from the stored engine state)."""
        row = self._row(session_id)
        lang = lang or row.language
        state = self._state(row)
        results = engine.results(self.bank, state)
        courses = recommend(self.bank, results)
        stored = (row.results or {}).get("summary", {})
        if stored.get("lang") == lang:
            summary, source = stored.get("text", ""), stored.get("source", "bank")
        else:
            summary, source = authored_summary(self.bank, results, courses, lang), "bank"
        view = result_view(self.bank, session_id=row.id, resume_code=row.resume_code, results=results,
                           courses=courses, summary=summary, source=source, lang=lang)
        view.pending_reviews = self.pending_reviews(row.id)
        return view

    def pending_reviews(self, session_id: str) -> int:
        """How many of the session's answers wait for a trainer's review."""
        return self.store.waiting_reviews(session_id)

    # ---- what a front end reads back
    def review(self, session_id: str, lang: str | None = None) -> list[dict[str, Any]]:
        """错题本: each wrong or partly right answer of a finished session, in order, with her answer, the right
        answer, the explanation and the item's picture (`image_src`, `image_alt`, when it has one) in `lang`, from
        the bank version the session ran on (never for a running session: the key stays hidden until the end)."""
        row = self._row(session_id)
        lang = lang or row.language
        if row.status != "finished":
            raise InputProblem("session_not_finished")
        out: list[dict[str, Any]] = []
        bank = self.bank_of(row)  # the items as she saw them, even if a trainer edited them since
        for response in self.store.responses(session_id):
            item = bank.items.get(response.item_id)
            if item is None or response.correct or response.score >= 1.0:
                continue
            texts = {o.id: o.text(lang) for o in item.options}
            if item.type == "ordering":
                right = " → ".join(texts.get(k, k) for k in item.key)
            elif item.type in ("single_choice", "multiple_choice", "true_false"):
                right = join((texts.get(k, k) for k in item.key), lang, "clause")
            else:
                right = ""
            out.append({"item_id": item.id, "domain": item.domain, "type": item.type, "stem": item.stem.get(lang),
                         "your_answer": answer_text(item, response.answer, lang), "right_answer": right,
                         "explanation": item.explanation.get(lang), "partial": response.score > 0,
                         **self._image(item, lang)})
        return out

    def transcript(self, session_id: str, *, tail: int | None = None) -> list[Message]:
        """The session's stored messages in order (the latest `tail` only, when given)."""
        messages = self.store.messages(session_id)
        return messages[-tail:] if tail else messages

    def report_pdf(self, session_id: str, lang: str | None = None) -> bytes:
        """The worker's result report as a PDF in `lang`, dated the day the session ended."""
        from assessor.report.pdf import worker_report_pdf

        row = self._row(session_id)
        if row.status != "finished":
            raise InputProblem("session_not_finished")
        worker = self.store.get_worker(row.worker_id)
        when = row.ended_at or row.started_at or datetime.now()
        return worker_report_pdf(self.result(session_id, lang), worker_name=worker.display_name if worker else "",
                                 when=when)
