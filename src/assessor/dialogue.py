"""The conversation, UI-agnostic: intake → question → feedback → … → result.

The terminal quiz and the web app both drive an `Assessment`; nothing a worker sees is decided in a front end.
Contract:
- Every answer is scored by the engine (never by a language model) and committed to the store, together with
  the engine state after it, before the feedback or the next question is built.
- The next question is recorded as pending in the stored state before it is returned, so a refresh, a resume
  code or a server restart shows the same question with the same state.
- Every message shown is written to the transcript with its source (bank, model, worker, system) and why.
- Views (`QuestionView`, …) never carry the answer key before the answer is submitted.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assessor.bank.load import Bank
from assessor.bank.schema import LEVEL_NAMES, Item
from assessor.cat import engine
from assessor.cat.engine import EngineConfig, SessionResults, SessionState
from assessor.cat.prior import experience_shift
from assessor.cat.select import exposure_rates
from assessor.i18n import t
from assessor.recommend import Recommendation, recommend
from assessor.store import AssessmentSession, Store

MAX_TEXT = 2000
PLACEMENT_SHIFT = 0.2


class InputProblem(ValueError):
    """Bad input from a worker: a message key shown in their language; nothing is stored or changed."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(t(key, "en", **values))
        self.key = key
        self.values = values

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


class LanguageService(Protocol):
    """What the dialogue needs from the language-model layer (assessor.lm.service.LMService)."""

    def rephrase(self, item: Item, lang: str) -> Any: ...
    def feedback(self, item: Item, lang: str, correct: bool, answer: Any = None) -> Any: ...
    def summary(self, results: Any, lang: str, audience: str = "worker") -> Any: ...
    def second_opinion(self, item: Item, answer: str, lang: str = "en") -> Any: ...


class Models:
    """Lazily (optionally in the background) loaded grader, index and placer, shared by all sessions."""

    def __init__(self, bank: Bank, *, embedder_name: str | None = None, lm: LanguageService | None = None) -> None:
        self.bank = bank
        self.embedder_name = embedder_name
        self._lm = lm
        self._lock = threading.Lock()  # the index and the placer (heavy, built one after the other)
        self._grader_lock = threading.Lock()  # separate, so scoring and feedback never wait for the index
        self._lm_lock = threading.Lock()
        self._grader: Any = None
        self._index: Any = None
        self._placer: Any = None
        self._ready = threading.Event()
        self.error: str | None = None

    def _embedder(self) -> Any:
        from assessor.retrieval.embedder import get_embedder

        return get_embedder(self.embedder_name)

    def grader(self) -> Any:
        with self._grader_lock:
            if self._grader is None:
                from assessor.retrieval.grading import Grader

                self._grader = Grader(self._embedder())
            return self._grader

    def index(self) -> Any:
        with self._lock:
            if self._index is None:
                from assessor.retrieval.index import load_index

                self._index = load_index(self.bank, self._embedder())
            return self._index

    def placer(self) -> Any:
        with self._lock:
            if self._placer is None:
                from assessor.retrieval.placement import get_placer

                self._placer = get_placer(self.bank, self._embedder())
            return self._placer

    def lm(self) -> LanguageService:
        with self._lm_lock:
            if self._lm is None:
                from assessor.lm.service import LMService

                self._lm = LMService()
            return self._lm

    def load_in_background(self) -> threading.Thread:
        """Warm every model in a daemon thread (the first page must not wait for them)."""

        def warm() -> None:
            try:
                self.grader()
                self.placer()
                self.index()
                self.lm()
            except Exception as error:  # reported on the trainer's bank page; sessions still run
                self.error = f"{type(error).__name__}: {error}"
            finally:
                self._ready.set()

        thread = threading.Thread(target=warm, name="assessor-models", daemon=True)
        thread.start()
        return thread

    @property
    def ready(self) -> bool:
        return self._ready.is_set()


# ---------------------------------------------------------------- views


@dataclass
class QuestionView:
    session_id: str
    resume_code: str
    item_id: str
    type: str
    lang: str
    stem: str
    options: list[tuple[str, str]]
    instruction: str
    progress: str
    number: int
    expected: int
    domain: str
    domain_name: str
    domains_covered: int
    domains_total: int

    @property
    def read_aloud_text(self) -> str:
        lines = [self.stem]
        lines += [f"{i}. {text}" for i, (_oid, text) in enumerate(self.options, start=1)]
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [f"**{self.progress}**", f"*{t('domain_label', self.lang, domain=self.domain_name)}*", "", self.stem]
        if self.type in ("single_choice", "multiple_choice", "ordering"):
            lines.append("")
            lines += [f"{i}. {text}" for i, (_oid, text) in enumerate(self.options, start=1)]
        lines += ["", f"_{self.instruction}_"]
        return "\n".join(lines)


@dataclass
class FeedbackView:
    item_id: str
    verdict: str
    correct: bool
    score: float
    pilot: bool
    lines: list[str]
    personal: str | None = None
    personal_source: str = "bank"

    def as_markdown(self) -> str:
        text = "\n\n".join(self.lines)
        if self.personal:
            text += "\n\n" + self.personal
        return text


@dataclass
class DomainRow:
    domain: str
    name: str
    theta: float
    se: float
    n_items: int
    band: str
    band_text: str
    sure_text: str
    level_shown: int | None


@dataclass
class CourseView:
    course_id: str
    title: str
    level: int
    hours: float
    reason: str
    units: list[str]
    domain: str


@dataclass
class ResultView:
    session_id: str
    resume_code: str
    lang: str
    role: str
    role_name: str
    level: int
    level_name: str
    ready: bool
    readiness_text: str
    rows: list[DomainRow]
    courses: list[CourseView]
    summary: str
    summary_source: str
    n_items: int

    def as_markdown(self) -> str:
        lang = self.lang
        lines = [f"## {t('result_title', lang)}", "", self.readiness_text, "",
                 f"| {t('col_area', lang)} | {t('col_result', lang)} | {t('col_sure', lang)} | {t('col_items', lang)} |",
                 "|---|---|---|---|"]
        lines += [f"| {r.name} | {r.band_text} | {r.sure_text} | {r.n_items} |" for r in self.rows]
        lines += ["", f"### {t('courses_title', lang)}"]
        if not self.courses:
            lines.append(t("courses_none", lang))
        for c in self.courses:
            lines.append(f"- **{c.title}** ({t('hours', lang, hours=f'{c.hours:g}')}): {c.reason}")
        lines += ["", f"### {t('summary_title', lang)}", self.summary, "", t("keep_code", lang, code=self.resume_code)]
        return "\n".join(lines)


@dataclass
class Turn:
    """What to show after a step: any feedback, then the next question or the result."""

    session_id: str
    resume_code: str
    lang: str
    notice: str | None = None
    feedback: FeedbackView | None = None
    question: QuestionView | None = None
    result: ResultView | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.result is not None


# ---------------------------------------------------------------- input checks


def clean_text(text: Any, *, max_chars: int = MAX_TEXT) -> str:
    """Plain text from a worker: not empty, not too long, no binary or control characters."""
    if text is None:
        raise InputProblem("empty_answer")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputProblem("binary_text") from error
    text = str(text)
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t" for ch in text):
        raise InputProblem("binary_text")
    text = text.strip()
    if not text:
        raise InputProblem("empty_answer")
    if len(text) > max_chars:
        raise InputProblem("too_long", max=max_chars)
    return text


def normalise_response(item: Item, response: Any) -> Any:
    """Check a response against the item's shape; return what the engine scores (never trusts the client)."""
    ids = item.option_ids
    if item.type == "open_scenario":
        return clean_text(response)
    if response is None or response == "" or response == []:
        raise InputProblem("empty_answer")
    picks = [response] if isinstance(response, str) else list(response)
    picks = [str(p).strip() for p in picks]
    if any(p not in ids for p in picks):
        raise InputProblem("bad_option")
    if item.type in ("single_choice", "true_false"):
        if len(picks) != 1:
            raise InputProblem("bad_option")
        return picks[0]
    if item.type == "multiple_choice":
        return sorted(set(picks), key=ids.index)
    if item.type == "ordering":
        if sorted(picks) != sorted(ids) or len(set(picks)) != len(picks):
            raise InputProblem("order_incomplete", n=len(ids))
        return picks
    raise InputProblem("bad_option")


# ---------------------------------------------------------------- the assessment


def _level_name(level: int, lang: str) -> str:
    return LEVEL_NAMES[level][lang if lang in ("zh", "en") else "zh"]


def _sure_key(confidence: float) -> str:
    if confidence >= 0.9:
        return "sure_high"
    if confidence >= 0.7:
        return "sure_mid"
    return "sure_low"


class Assessment:
    """One object per running app: starts, resumes and advances sessions over the store."""

    def __init__(self, bank: Bank, store: Store, *, models: Models | None = None,
                 config: EngineConfig | None = None, centre: str = "default",
                 clock: Callable[[], float] = time.time) -> None:
        self.bank = bank
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

    @staticmethod
    def _state(row: AssessmentSession) -> SessionState:
        return SessionState.from_dict(row.state["engine"])

    def _save(self, row: AssessmentSession, state: SessionState, lang: str | None = None) -> None:
        self.store.save_state(row.id, {"engine": state.to_dict(), "lang": lang or row.language}, language=lang)

    def _say(self, session_id: str, text: str, *, kind: str, source: str = "bank", reason: str = "",
             item_id: str | None = None, speaker: str = "assessor") -> None:
        self.store.add_message(session_id, speaker=speaker, text=text, kind=kind, source=source, reason=reason,
                               item_id=item_id)

    def domain_name(self, domain: str, lang: str) -> str:
        found = self.bank.domains.get(domain)
        return found.name.get(lang) if found else domain

    def role_name(self, role: str, lang: str) -> str:
        found = self.bank.roles.get(role)
        return found.name.get(lang) if found else role

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
        sentence = t("placement_result", lang, domains="、".join(self.domain_name(d, lang) for d in top)
                     if lang == "zh" else ", ".join(self.domain_name(d, lang) for d in top),
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
        seen = self.store.seen_item_ids(worker.id)
        base = experience_shift(years)
        shift = {d: base + (PLACEMENT_SHIFT if d in placement_domains else 0.0)
                 for d in self.bank.roles[role].levels[level].weights}
        counts, n_sessions = self.store.item_exposure(role)
        state = engine.start_session(self.bank, role, level, config=self.config, prior_shift=shift,
                                     seen_item_ids=seen, seed=seed if seed is not None else int(self.clock() * 1000) % 2**31,
                                     exposure_rates=exposure_rates(counts, n_sessions))
        settings = {"engine": self.config.model_dump(mode="json"), "years": years,
                    "placement_domains": list(placement_domains), "prior_shift": shift}
        row = self.store.create_session(worker, role=role, target_level=level, bank_version=self.bank.version,
                                        engine_settings=settings, state={"engine": state.to_dict(), "lang": lang},
                                        language=lang)
        self._say(row.id, t("greeting", lang), kind="greeting", source="bank")
        if description:
            self._say(row.id, description, kind="description", source="worker", speaker="worker")
        self._say(row.id, t("started", lang, expected=self.config.max_items, code=row.resume_code), kind="info")
        return self._advance(row, state, lang, notice=t("started", lang, expected=self.config.max_items,
                                                         code=row.resume_code))

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
        expected = max(state.config.max_items, state.n_items + 1)
        number = state.n_items + 1
        options = [(o.id, o.text(lang)) for o in item.options]
        return QuestionView(
            session_id=row.id, resume_code=row.resume_code, item_id=item.id, type=item.type, lang=lang,
            stem=item.stem.get(lang), options=options, instruction=t(f"type_{item.type}", lang),
            progress=t("progress", lang, n=number, expected=expected, covered=covered, domains=len(state.domains)),
            number=number, expected=expected, domain=item.domain, domain_name=self.domain_name(item.domain, lang),
            domains_covered=covered, domains_total=len(state.domains),
        )

    def _advance(self, row: AssessmentSession, state: SessionState, lang: str, *, notice: str | None = None,
                 feedback: FeedbackView | None = None, announce: bool = True) -> Turn:
        """Pick (or re-show) the pending question and store it as pending before returning it; or finish."""
        was_pending = state.pending_item_id
        item = engine.next_item(self.bank, state, now=self.clock())
        self._save(row, state, lang)
        if item is None:
            result = self._finish(row, state, lang)
            return Turn(row.id, row.resume_code, lang, notice=notice, feedback=feedback, result=result)
        view = self._question_view(row, state, item, lang)
        if announce and was_pending != item.id:
            self._say(row.id, view.as_markdown(), kind="question", item_id=item.id)
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
            item = self.bank.items[item_id]
            clean = normalise_response(item, response)
            grading = None
            partial = None
            if item.type == "open_scenario":
                result = self.models.grader().grade(item, clean)
                grading = result.to_json()
                partial = float(result.score)
            issued = state.pending_issued_at
            seconds = max(0.0, self.clock() - issued) if issued else None
            outcome = engine.record_answer(self.bank, state, item_id, clean, seconds=seconds, partial_credit=partial)
            new_state = outcome.state
            # The contract: the response and the state after it are committed before anything else is shown.
            self.store.record_answer(
                session_id, item_id=item.id, item_version=item.version,
                item_params=item.irt.model_dump(mode="json"), domain=item.domain, level=item.level,
                item_type=item.type, answer=clean, score=outcome.score, category=outcome.category,
                correct=outcome.correct, pilot=outcome.pilot, theta=outcome.theta, se=outcome.se,
                state={"engine": new_state.to_dict(), "lang": lang}, seconds=seconds, grading=grading)
            self._say(session_id, self._answer_text(item, clean, lang), kind="answer", source="worker",
                      speaker="worker", item_id=item.id)
            view = self._feedback(row, item, clean, outcome, grading, lang)
            return self._advance(row, new_state, lang, feedback=view)

    def _answer_text(self, item: Item, response: Any, lang: str) -> str:
        if item.type == "open_scenario":
            return str(response)
        texts = {o.id: o.text(lang) for o in item.options}
        picks = [response] if isinstance(response, str) else list(response)
        sep = " → " if item.type == "ordering" else "；" if lang == "zh" else "; "
        return sep.join(texts.get(p, p) for p in picks)

    def _feedback(self, row: AssessmentSession, item: Item, response: Any, outcome: Any,
                  grading: dict[str, Any] | None, lang: str) -> FeedbackView:
        verdict = outcome.verdict
        lines = [t("correct" if verdict == "correct" else "partly" if verdict == "partial" else "wrong", lang)]
        if outcome.pilot:
            lines.append(t("pilot_note", lang))
        texts = {o.id: o.text(lang) for o in item.options}
        if item.type == "ordering" and verdict != "correct":
            lines.append(t("right_order", lang, answer=" → ".join(texts[k] for k in item.key)))
        elif item.type in ("single_choice", "multiple_choice", "true_false") and verdict != "correct":
            lines.append(t("right_answer", lang, answer="；".join(texts[k] for k in item.key) if lang == "zh"
                           else "; ".join(texts[k] for k in item.key)))
        elif item.type == "open_scenario" and grading is not None:
            for point in grading["points"]:
                text = point["zh"] if lang == "zh" else point["en"]
                lines.append(t("rubric_hit" if point["matched"] else "rubric_miss", lang, point=text))
        lines.append(t("why", lang, text=item.explanation.get(lang)))
        decision = None
        try:
            answer_text = self._answer_text(item, response, lang)
            decision = self.models.lm().feedback(item, lang, bool(outcome.correct), answer_text)
        except Exception as error:  # the language model is optional; a failure never blocks a session
            reason = f"feedback unavailable: {type(error).__name__}"
            decision = None
        else:
            reason = decision.reason if decision.source != "model" else ""
        personal = decision.text_shown if decision is not None and decision.source == "model" else None
        self._say(row.id, "\n\n".join(lines), kind="feedback", source="bank",
                  reason=f"authored explanation; model feedback not shown: {reason}" if personal is None else
                  "authored explanation", item_id=item.id)
        if personal is not None and decision is not None:
            self._say(row.id, personal, kind="feedback_personal", source="model",
                      reason=f"passed the gate: {decision.reason}", item_id=item.id)
        return FeedbackView(item_id=item.id, verdict=verdict, correct=bool(outcome.correct), score=outcome.score,
                            pilot=outcome.pilot, lines=lines, personal=personal,
                            personal_source="model" if personal else "bank")

    def rephrase(self, session_id: str, lang: str | None = None) -> str:
        """The pending question in plainer words (model through the gate, or authored). Never scored."""
        row = self._row(session_id)
        lang = lang or row.language
        state = self._state(row)
        if state.pending_item_id is None:
            raise InputProblem("session_finished")
        item = self.bank.items[state.pending_item_id]
        self._say(session_id, t("dont_understand", lang), kind="dont_understand", source="worker", speaker="worker",
                  item_id=item.id)
        try:
            decision = self.models.lm().rephrase(item, lang)
            text, source, reason = decision.text_shown, decision.source, decision.reason
        except Exception as error:
            text, source, reason = item.stem.get(lang), "bank", f"rephrase unavailable: {type(error).__name__}"
        if source != "model":
            text = self._authored_plain(item, lang)
        shown = t("rephrased" if source == "model" else "rephrase_none", lang, text=text)
        self._say(session_id, shown, kind="rephrase", source=source, reason=reason, item_id=item.id)
        return shown

    @staticmethod
    def _authored_plain(item: Item, lang: str) -> str:
        """The authored fallback for "I don't understand": the stem in the other language as a gloss, and the
        instruction for this type, in short lines (no hint at the answer)."""
        other = "en" if lang == "zh" else "zh"
        return f"{item.stem.get(lang)}\n({item.stem.get(other)})\n{t(f'type_{item.type}', lang)}"

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
            shown = "\n\n".join(f"{a['text']} ({t('ask_source', lang, source=a['ref'])})" for a in out) or t("ask_none", lang)
            self._say(session_id, shown, kind="ask_answer", source="bank", reason="retrieved from the bank")
        return out

    def stop(self, session_id: str, lang: str | None = None) -> Turn:
        """The worker ends the quiz early: the result from what was answered."""
        with self._lock(session_id):
            row = self._row(session_id)
            lang = lang or row.language
            if row.status != "finished":
                state = engine.finish(self._state(row), "ended_by_worker")
                self._save(row, state, lang)
                return Turn(row.id, row.resume_code, lang, result=self._finish(row, state, lang))
            return Turn(row.id, row.resume_code, lang, result=self.result(row.id, lang))

    # ---- results
    def _finish(self, row: AssessmentSession, state: SessionState, lang: str) -> ResultView:
        results = engine.results(self.bank, state)
        courses = recommend(self.bank, results)
        summary_input = self._summary_input(results, courses, lang)
        try:
            decision = self.models.lm().summary(summary_input, lang, "worker")
            summary, source, reason = decision.text_shown, decision.source, decision.reason
        except Exception as error:
            summary, source, reason = "", "bank", f"summary unavailable: {type(error).__name__}"
        if source != "model":
            summary = self._authored_summary(results, courses, lang)
        payload = {
            "results": results.model_dump(mode="json"),
            "recommendations": [c.to_dict() for c in courses],
            "summary": {"text": summary, "source": source, "reason": reason, "lang": lang},
        }
        self.store.finish_session(row.id, results=payload, level_reached=results.overall.level_shown,
                                  ready=results.overall.ready, state={"engine": state.to_dict(), "lang": lang})
        view = self._result_view(row, results, courses, summary, source, lang)
        self._say(row.id, view.as_markdown(), kind="result", source="bank", reason="engine results and course rules")
        if source == "model":
            self._say(row.id, summary, kind="summary", source="model", reason=f"passed the gate: {reason}")
        return view

    def _summary_input(self, results: SessionResults, courses: list[Recommendation], lang: str) -> dict[str, Any]:
        return {
            "role": results.role, "role_name": self.role_name(results.role, lang), "level": results.level,
            "ready": results.overall.ready,
            "domains": [{"id": d.domain, "name": self.domain_name(d.domain, lang),
                         "score": round(float(d.p_ready), 3)} for d in results.domains],
            "strengths": [self.domain_name(d.domain, lang) for d in results.domains if d.band != "below"],
            "weaknesses": [self.domain_name(d.domain, lang) for d in results.domains if d.band == "below"],
            "courses": [c.title for c in courses],
        }

    def _authored_summary(self, results: SessionResults, courses: list[Recommendation], lang: str) -> str:
        """Plain sentences from the results: readiness, strong areas, areas to work on, the first courses."""
        sep = "、" if lang == "zh" else ", "
        level = _level_name(results.level, lang)
        lines = [t("ready_yes" if results.overall.ready else "ready_no", lang, level=level)]
        strong = [self.domain_name(d.domain, lang) for d in results.domains if d.band != "below"]
        weak = [self.domain_name(d.domain, lang) for d in results.weakest_first() if d.band == "below"]
        if strong:
            lines.append(t("summary_strong", lang, areas=sep.join(strong)))
        if weak:
            lines.append(t("summary_weak", lang, areas=sep.join(weak)))
        if courses:
            lines.append(t("summary_courses", lang, courses=sep.join(c.title[lang] for c in courses[:3])))
        return "\n".join(lines)

    def _result_view(self, row: AssessmentSession, results: SessionResults, courses: list[Recommendation],
                     summary: str, source: str, lang: str) -> ResultView:
        level_name = _level_name(results.level, lang)
        rows = [
            DomainRow(domain=d.domain, name=self.domain_name(d.domain, lang), theta=round(d.theta, 2),
                      se=round(d.se, 2), n_items=d.n_items, band=d.band,
                      band_text=t(f"band_{d.band}", lang, level=level_name),
                      sure_text=t(_sure_key(d.band_confidence), lang), level_shown=d.level_shown)
            for d in results.weakest_first()
        ]
        course_views = [
            CourseView(course_id=c.course_id, title=c.title[lang], level=c.level, hours=c.hours, reason=c.reason[lang],
                       units=[u.title[lang] for u in c.units], domain=c.domain)
            for c in courses
        ]
        return ResultView(
            session_id=row.id, resume_code=row.resume_code, lang=lang, role=results.role,
            role_name=self.role_name(results.role, lang), level=results.level, level_name=level_name,
            ready=results.overall.ready,
            readiness_text=t("ready_yes" if results.overall.ready else "ready_no", lang, level=level_name),
            rows=rows, courses=course_views, summary=summary, summary_source=source, n_items=results.n_items,
        )

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
            summary, source = self._authored_summary(results, courses, lang), "bank"
        return self._result_view(row, results, courses, summary, source, lang)

