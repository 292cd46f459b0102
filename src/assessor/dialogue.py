# Over 450 lines on purpose: every state-writing step and its compare-and-swap retry in one place (see the docstring).
"""The conversation, UI-agnostic: intake → question → feedback → … → result.

The terminal quiz and the web app both drive an `Assessment`; nothing a worker sees is decided in a front end.
Contract:
- Every answer is scored by the engine (never by a language model) and committed to the store, together with
  the engine state after it, before the feedback or the next question is built.
- The next question is recorded as pending in the stored state before it is returned, so a refresh, a resume
  code or a server restart shows the same question with the same state.
- Every message shown is written to the transcript with its source (bank, model, worker, system) and why.
- Views (`QuestionView`, …) never carry the answer key before the answer is submitted.

Why over 450 lines: every step that writes a session's state (start, answer, resume, language switch, stop, a
trainer's review) lives here with its compare-and-swap retry, so the locking rules are read in one place; the pure
parts are elsewhere (results.py, reviewing.py, views.py, responses.py, services.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from assessor.bank.load import Bank
from assessor.bank.media import svg_data_uri
from assessor.bank.schema import Item
from assessor.cat import engine
from assessor.cat.engine import AnswerOutcome, EngineConfig, SessionState
from assessor.cat.prior import experience_shift
from assessor.cat.select import exposure_rates, item_params
from assessor.i18n import join, t
from assessor.recommend import recommend
from assessor.responses import MAX_TEXT, InputProblem, answer_text, clean_text, normalise_response
from assessor.results import authored_summary, result_view, summary_input
from assessor.results import domain_name as bank_domain_name
from assessor.results import role_name as bank_role_name
from assessor.reviewing import held_back, point_feedback, review_score, with_review
from assessor.services import LanguageService, Models
from assessor.store import AssessmentSession, Message, StaleSession, Store
from assessor.views import CourseView, DomainRow, FeedbackView, PointFeedback, QuestionView, ResultView, Turn

__all__ = ["Assessment", "CourseView", "DomainRow", "FeedbackView", "InputProblem", "LanguageService", "Models",
           "QuestionView", "ResultView", "Turn", "clean_text", "normalise_response", "params_used"]

log = logging.getLogger(__name__)
# Reasons stored with model-related transcript lines (the trainer's Models page counts them by these prefixes)
FEEDBACK_FALLBACK = "authored explanation; model feedback not shown: "
GATE_PASSED = "passed the gate: "
PLACEMENT_SHIFT = 0.2
KEEP_BANKS = 16  # bank versions held for running sessions after trainers' edits


def params_used(item: Item) -> dict[str, Any]:
    """The IRT parameters the engine scores `item` with (`cat.select.item_params`: c = 0 and default steps for
    polytomous items), as stored with each response; not the raw `item.irt`, which may differ."""
    a, b, c, steps = item_params(item)
    return {"a": a, "b": b, "c": c, "steps": list(steps) if steps is not None else None, "source": item.irt.source}


# ---------------------------------------------------------------- the assessment


class Assessment:
    """One object per running app: starts, resumes and advances sessions over the store."""

    def __init__(self, bank: Bank, store: Store, *, models: Models | None = None,
                 config: EngineConfig | None = None, centre: str = "default",
                 clock: Callable[[], float] = time.time) -> None:
        self.bank = bank  # the newest bank: new sessions start on it
        self.banks: dict[str, Bank] = {bank.version: bank}  # by version: a running session keeps its own
        self.store = store
        self.models = models or Models(bank)
        self.config = config or EngineConfig()
        self.centre = centre
        self.clock = clock
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # ---- helpers
    def _lock(self, session_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def _row(self, session_id: str) -> AssessmentSession:
        row = self.store.get_session(session_id)
        if row is None:
            raise InputProblem("unknown_code", code=session_id[:8])
        return row

    def use_bank(self, bank: Bank) -> None:
        """Start new sessions on `bank` (a trainer saved or approved an item); sessions already running keep
        the bank version they started with (`bank_of`) while this process keeps it (the last KEEP_BANKS)."""
        self.banks[bank.version] = bank
        while len(self.banks) > KEEP_BANKS:
            self.banks.pop(next(iter(self.banks)))
        self.bank = bank

    def bank_of(self, row: AssessmentSession) -> Bank:
        """The bank a session started on (the newest when that version is no longer held, e.g. after a restart)."""
        return self.banks.get(row.bank_version, self.bank)

    @staticmethod
    def _state(row: AssessmentSession) -> SessionState:
        return SessionState.from_dict(row.state["engine"])

    def _save(self, row: AssessmentSession, state: SessionState, lang: str | None = None,
              messages: Sequence[dict[str, Any]] = ()) -> None:
        """Save as a compare-and-swap on the version `row` was read at (StaleSession if another request wrote),
        with the transcript lines `messages` (see `_line`) in the same transaction."""
        row.version = self.store.save_state(row.id, {"engine": state.to_dict(), "lang": lang or row.language},
                                            language=lang, expected_version=row.version, messages=messages)

    @staticmethod
    def _line(text: str, *, kind: str, source: str = "bank", reason: str = "", item_id: str | None = None,
              speaker: str = "assessor") -> dict[str, Any]:
        """A transcript line to store with the next write (what `_say` stores at once)."""
        return {"speaker": speaker, "text": text, "kind": kind, "source": source, "reason": reason,
                "item_id": item_id}

    def _say(self, session_id: str, text: str, *, kind: str, source: str = "bank", reason: str = "",
             item_id: str | None = None, speaker: str = "assessor") -> None:
        self.store.add_message(session_id, speaker=speaker, text=text, kind=kind, source=source, reason=reason,
                               item_id=item_id)

    def domain_name(self, domain: str, lang: str) -> str:
        return bank_domain_name(self.bank, domain, lang)

    def role_name(self, role: str, lang: str) -> str:
        return bank_role_name(self.bank, role, lang)

    def roles(self, lang: str) -> list[tuple[str, str]]:
        return [(r.name.get(lang), r.id) for r in self.bank.roles.values()]

    def levels_for(self, role: str) -> list[int]:
        found = self.bank.roles.get(role)
        return sorted(found.levels, reverse=True) if found else []

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

    def _image(self, item: Item, lang: str) -> dict[str, str]:
        """The item's drawing (validated SVG as a data: URI) and its alt text in `lang`, for the question view."""
        src = svg_data_uri(self.bank.root / "media", item.image.file) if item.image else None
        return {"image_src": src, "image_alt": item.image.alt.get(lang)} if src and item.image else {}

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

    def pending_reviews(self, session_id: str) -> int:
        """How many of the session's answers wait for a trainer's review."""
        return self.store.waiting_reviews(session_id)

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
