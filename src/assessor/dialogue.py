"""The conversation, UI-agnostic: intake → question → feedback → … → result.

The terminal quiz and the web app both drive an `Assessment`; nothing a worker sees is decided in a front end.
Contract:
- Every answer is scored by the engine (never by a language model) and committed to the store, together with
  the engine state after it, before the feedback or the next question is built.
- The next question is recorded as pending in the stored state before it is returned, so a refresh, a resume
  code or a server restart shows the same question with the same state.
- Every message shown is written to the transcript with its source (bank, model, worker, system) and why.
- Views (`QuestionView`, …) never carry the answer key before the answer is submitted.

The parts: this module holds the intake, the question loop (answer, feedback) and stop; the shared state and
helpers are in dialogue_base.py, results and read-backs in dialogue_results.py, a trainer's review in
dialogue_review.py, rephrase and ask-the-bank in dialogue_help.py. Every write of a session's state is a
compare-and-swap on the version it was read at (`StaleSession` when another request wrote meanwhile); the pure
parts are elsewhere (results.py, reviewing.py, views.py, responses.py, services.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assessor.bank.schema import Item
from assessor.cat import engine
from assessor.cat.engine import AnswerOutcome, SessionState
from assessor.cat.prior import experience_shift
from assessor.cat.select import exposure_rates, item_params
from assessor.dialogue_base import FEEDBACK_FALLBACK, GATE_PASSED, log
from assessor.dialogue_help import WorkerHelpMixin
from assessor.dialogue_results import ResultsMixin
from assessor.dialogue_review import TrainerReviewMixin
from assessor.i18n import join, t
from assessor.responses import MAX_TEXT, InputProblem, answer_text, clean_text, normalise_response
from assessor.reviewing import held_back, point_feedback
from assessor.services import LanguageService, Models
from assessor.store import AssessmentSession, StaleSession
from assessor.views import CourseView, DomainRow, FeedbackView, PointFeedback, QuestionView, ResultView, Turn

__all__ = ["Assessment", "CourseView", "DomainRow", "FeedbackView", "InputProblem", "LanguageService", "Models",
           "QuestionView", "ResultView", "Turn", "clean_text", "normalise_response", "params_used"]

PLACEMENT_SHIFT = 0.2


def params_used(item: Item) -> dict[str, Any]:
    """The IRT parameters the engine scores `item` with (`cat.select.item_params`: c = 0 and default steps for
    polytomous items), as stored with each response; not the raw `item.irt`, which may differ."""
    a, b, c, steps = item_params(item)
    return {"a": a, "b": b, "c": c, "steps": list(steps) if steps is not None else None, "source": item.irt.source}


# ---------------------------------------------------------------- the assessment


class Assessment(ResultsMixin, TrainerReviewMixin, WorkerHelpMixin):
    """One object per running app: starts, resumes and advances sessions over the store."""

    # ---- intake
    def place(self, text: str, lang: str) -> dict[str, Any]:
        """Placement of a free description: ranked domains, a suggested role, and a sentence to confirm."""
        text = clean_text(text, max_chars=MAX_TEXT)
        placed = self.models.placer().place(text)
        top = [d["id"] for d in placed["domains"][:3]]
        role = placed.get("role")
        sentence = t("placement_result", lang, domains=join((self.domain_name(d, lang) for d in top), lang),
                     role=self.role_name(role, lang) if role else "-")
        return {**placed, "top_domains": top, "message": sentence}

    def start(self, worker_code: str, *, role: str, level: int, lang: str = "zh", display_name: str = "",
              years: float | None = None, placement_domains: Sequence[str] = (), description: str | None = None,
              seed: int | None = None) -> Turn:
        """Create the worker (if new) and a session, store it, and return the first question."""
        code = clean_text(worker_code, max_chars=64) if worker_code and str(worker_code).strip() else ""
        if not code:
            raise InputProblem("need_code")
        if role not in self.bank.roles:
            raise InputProblem("need_role")
        if level not in self.bank.roles[role].levels:
            raise InputProblem("bad_level", role=self.role_name(role, lang))
        worker = self.store.get_or_create_worker(code, centre=self.centre, display_name=display_name or code,
                                                 language=lang)
        self.store.record_consent(worker.id)  # the intake's start button accepts the data notice shown above it
        seen = self.store.seen_item_ids(worker.id)
        base = experience_shift(years)
        shift = {d: base + (PLACEMENT_SHIFT if d in placement_domains else 0.0)
                 for d in self.bank.roles[role].levels[level].weights}
        counts, n_sessions = self.store.item_exposure(role)
        state = engine.start_session(self.bank, role, level, config=self.config, prior_shift=shift,
                                     seen_item_ids=seen, seed=seed if seed is not None else int(self.clock() * 1000) % 2**31,
                                     exposure_rates=exposure_rates(counts, n_sessions),
                                     focus_domains=[d for d in placement_domains if d in shift])
        settings = {"engine": self.config.model_dump(mode="json"), "years": years,
                    "placement_domains": list(placement_domains), "prior_shift": shift}
        row = self.store.create_session(worker, role=role, target_level=level, bank_version=self.bank.version,
                                        engine_settings=settings, state={"engine": state.to_dict(), "lang": lang},
                                        language=lang)
        self._say(row.id, t("greeting", lang), kind="greeting", source="bank")
        if description:
            self._say(row.id, description, kind="description", source="worker", speaker="worker")
        expected = min(self.config.max_items, max(1, engine.expected_remaining(self.bank, state)))
        self._say(row.id, t("started", lang, expected=expected, code=row.resume_code), kind="info")
        return self._advance(row, state, lang, notice=t("started", lang, expected=expected, code=row.resume_code))

    def resume(self, code: str, lang: str | None = None) -> Turn:
        """Continue a session by its resume code: the same pending question, or the result if it finished."""
        cleaned = str(code or "").strip().upper()
        row = self.store.get_session_by_code(cleaned) if cleaned else None
        if row is None:
            raise InputProblem("unknown_code", code=cleaned[:16] or "-")
        lang = lang or row.language
        state = self._state(row)
        if row.status == "finished":
            return Turn(row.id, row.resume_code, lang, result=self.result(row.id, lang))
        return self._advance(row, state, lang, notice=t("resumed", lang))

    def current(self, session_id: str, lang: str | None = None) -> Turn:
        """The pending question (after a refresh), or the result."""
        row = self._row(session_id)
        lang = lang or row.language
        if row.status == "finished":
            return Turn(row.id, row.resume_code, lang, result=self.result(row.id, lang))
        return self._advance(row, self._state(row), lang, announce=False)

    # ---- the loop
    def _question_view(self, row: AssessmentSession, state: SessionState, item: Item, lang: str) -> QuestionView:
        counts = state.counts()
        covered = sum(1 for d in state.domains if counts.get(d, 0) > 0)
        number = state.n_items + 1
        # the engine's expected length from the posterior and the stop rule, not the item cap: progress tells the truth
        expected = min(state.config.max_items, number + engine.expected_remaining(self.bank_of(row), state))
        options = [(o.id, o.text(lang)) for o in item.options]
        return QuestionView(
            session_id=row.id, resume_code=row.resume_code, item_id=item.id, type=item.type, lang=lang,
            stem=item.stem.get(lang), options=options, instruction=t(f"type_{item.type}", lang),
            progress=t("progress", lang, n=number, expected=expected, covered=covered, domains=len(state.domains)),
            number=number, expected=expected, domain=item.domain, domain_name=self.domain_name(item.domain, lang),
            domains_covered=covered, domains_total=len(state.domains), **self._image(item, lang),
        )

    def _next_question(self, row: AssessmentSession, state: SessionState, lang: str, *,
                       announce: bool = True) -> tuple[QuestionView | None, list[dict[str, Any]]]:
        """The question to show next (the engine stores it as pending in `state`; None: the quiz ends) and its
        transcript line, when `announce` and it is not the question already pending."""
        was_pending = state.pending_item_id
        item = engine.next_item(self.bank_of(row), state, now=self.clock())
        if item is None:
            return None, []
        view = self._question_view(row, state, item, lang)
        said = [self._line(view.as_markdown(), kind="question", item_id=item.id)] if announce and was_pending != item.id else []
        return view, said

    def _advance(self, row: AssessmentSession, state: SessionState, lang: str, *, notice: str | None = None,
                 feedback: FeedbackView | None = None, announce: bool = True) -> Turn:
        """Pick (or re-show) the pending question and store it as pending before returning it; or finish."""
        view, said = self._next_question(row, state, lang, announce=announce)
        try:
            self._save(row, state, lang, said)  # the question's transcript line goes with its pending state
        except StaleSession:  # another request (refresh, tab, process) wrote since `row` was read: go on from its state
            fresh = self._row(row.id)
            if fresh.status == "finished":
                return Turn(fresh.id, fresh.resume_code, lang, notice=notice, feedback=feedback,
                            result=self.result(fresh.id, lang))
            return self._advance(fresh, self._state(fresh), lang, notice=notice, feedback=feedback, announce=False)
        if view is None:
            result = self._finish(row, state, lang)
            return Turn(row.id, row.resume_code, lang, notice=notice, feedback=feedback, result=result)
        return Turn(row.id, row.resume_code, lang, notice=notice, feedback=feedback, question=view)

    def answer(self, session_id: str, item_id: str, response: Any, *, lang: str | None = None) -> Turn:
        """Score and store the answer, then return feedback and the next question (or the result)."""
        with self._lock(session_id):
            row = self._row(session_id)
            lang = lang or row.language
            if row.status == "finished":
                raise InputProblem("session_finished")
            state = self._state(row)
            if state.pending_item_id != item_id:
                raise InputProblem("stale_question")
            bank = self.bank_of(row)
            item = bank.items[item_id]
            clean = normalise_response(item, response)
            grading = None
            partial = None
            held = False  # the scorer abstained: stored for a trainer's review, not counted by the engine
            if item.type == "open_scenario":
                result = self.models.grader().grade(item, clean, expected_lang=lang)
                grading = result.to_json()
                partial = float(result.score)
                held = bool(getattr(result, "needs_review", False))
            issued = state.pending_issued_at
            seconds = max(0.0, self.clock() - issued) if issued else None
            outcome = engine.record_answer(bank, state, item_id, clean, seconds=seconds, partial_credit=partial)
            new_state = held_back(state, outcome.state) if held else outcome.state
            view, said = self._feedback(item, clean, outcome, grading, lang, provisional=held)
            said.insert(0, self._line(answer_text(item, clean, lang), kind="answer", source="worker",
                                      speaker="worker", item_id=item.id))
            # The next question is chosen now, so that it is stored as pending with the answer (one write per
            # answer); at the end of the quiz `_advance` finishes after the answer is stored.
            question, asked = self._next_question(row, new_state, lang)
            said.extend(asked)
            # The contract: the response, the state after it and its transcript lines (her answer, the feedback,
            # the next question) are committed in one transaction before anything else is shown, and only if
            # nobody wrote the session since it was read (else the stale-question message and nothing is stored).
            try:
                self.store.record_answer(
                    session_id, item_id=item.id, item_version=item.version,
                    item_params=params_used(item), domain=item.domain, level=item.level,
                    item_type=item.type, answer=clean, score=outcome.score, category=outcome.category,
                    correct=outcome.correct, pilot=outcome.pilot, theta=dict(new_state.theta),
                    se=dict(new_state.se), state={"engine": new_state.to_dict(), "lang": lang}, seconds=seconds,
                    grading=grading, expected_version=row.version,
                    review_status="needs_review" if held else "auto", messages=said)
            except StaleSession as error:  # a double tap, another tab or another process answered first
                raise InputProblem("stale_question") from error
            row.version += 1
            if question is not None:
                return Turn(row.id, row.resume_code, lang, feedback=view, question=question)
            return self._advance(row, new_state, lang, feedback=view)

    def _feedback(self, item: Item, response: Any, outcome: AnswerOutcome, grading: dict[str, Any] | None,
                  lang: str, *, provisional: bool = False) -> tuple[FeedbackView, list[dict[str, Any]]]:
        """The verdict's feedback view and its transcript lines (stored with the response by the caller)."""
        verdict = outcome.verdict
        lines = [t("correct" if verdict == "correct" else "partly" if verdict == "partial" else "wrong", lang)]
        if outcome.pilot:
            lines.append(t("pilot_note", lang))
        texts = {o.id: o.text(lang) for o in item.options}
        if item.type == "ordering" and verdict != "correct":
            lines.append(t("right_order", lang, answer=" → ".join(texts[k] for k in item.key)))
        elif item.type in ("single_choice", "multiple_choice", "true_false") and verdict != "correct":
            lines.append(t("right_answer", lang, answer=join((texts[k] for k in item.key), lang, "clause")))
        points: list[PointFeedback] = []
        if item.type == "open_scenario" and grading is not None:
            points = point_feedback(grading, lang)
            lines += [p.text for p in points]
            if provisional:
                lines.append(t("provisional", lang))
        lines.append(t("why", lang, text=item.explanation.get(lang)))
        decision = None
        try:
            decision = self.models.lm().feedback(item, lang, bool(outcome.correct), answer_text(item, response, lang))
        except Exception as error:  # the language model is optional; a failure never blocks a session
            log.exception("model feedback failed for %s; the authored explanation is shown", item.id)
            reason = f"feedback unavailable: {type(error).__name__}: {error}"
            decision = None
        else:
            reason = decision.reason if decision.source != "model" else ""
        personal = decision.text_shown if decision is not None and decision.source == "model" else None
        said = [self._line("\n\n".join(lines), kind="feedback", source="bank",
                           reason=f"{FEEDBACK_FALLBACK}{reason}" if personal is None
                           else "authored explanation", item_id=item.id)]
        if personal is not None and decision is not None:
            said.append(self._line(personal, kind="feedback_personal", source="model",
                                   reason=f"{GATE_PASSED}{decision.reason}", item_id=item.id))
        return FeedbackView(item_id=item.id, verdict=verdict, correct=bool(outcome.correct), score=outcome.score,
                            pilot=outcome.pilot, lines=lines, personal=personal,
                            personal_source="model" if personal else "bank", points=points,
                            provisional=provisional, provisional_text=t("provisional", lang) if provisional else ""
                            ), said

    def stop(self, session_id: str, lang: str | None = None) -> Turn:
        """The worker ends the quiz early: the result from what was answered."""
        with self._lock(session_id):
            row = self._row(session_id)
            lang = lang or row.language
            for _attempt in range(3):  # another request may write between our read and our write: read again
                if row.status == "finished":
                    break
                state = engine.finish(self._state(row), "ended_by_worker")
                try:
                    self._save(row, state, lang)
                except StaleSession:
                    row = self._row(session_id)
                    continue
                return Turn(row.id, row.resume_code, lang, result=self._finish(row, state, lang))
            return Turn(row.id, row.resume_code, lang, result=self.result(row.id, lang))
