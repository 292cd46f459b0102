"""The worker tab's data: `Tab` (one browser tab's server-side state) and `WorkerScreen` (everything one render
needs, as plain data). `render.render(screen, layout)` turns a screen into component updates and reads nothing
else, so a new way to show a question or a result changes the render alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessor.bank.schema import GlossaryTerm
from assessor.practice import PracticeTurn
from assessor.views import FeedbackView, QuestionView, ResultView

LANGS = ("zh", "en")
Updates = dict[Any, Any]  # what a handler returns: {component: update} over the page's output list
CHOICE_TYPES = ("single_choice", "true_false")
NOTICE_PLACES = ("top", "place", "start", "resume", "quiz", "ask")


def lang_of(value: Any) -> str:
    """'zh' or 'en' from anything (defaults to Chinese)."""
    return value if value in LANGS else "zh"


@dataclass
class Tab:
    """One browser tab's server-side state (a `gr.State`: never sent to the browser)."""

    lang: str = "zh"
    role: str | None = None
    session_id: str | None = None
    resume_code: str | None = None
    question: QuestionView | None = None
    result: ResultView | None = None
    order: list[str] = field(default_factory=list)
    description: str | None = None
    suggested_domains: list[str] = field(default_factory=list)
    pdf_path: str | None = None
    result_is_new: bool = False
    answered: Answered | None = None
    confirm_stop: bool = False
    rephrased: str | None = None
    practice: PracticeRound | None = None
    review_domains: list[str] = field(default_factory=list)
    voice: VoicePick | None = None  # what a voice answer proposed for the shown question (never submitted by itself)

    @property
    def mode(self) -> str:
        """"intake" before a session, "quiz" while a question is pending, "result" after the last answer."""
        if self.session_id is None:
            return "intake"
        return "result" if self.result is not None else "quiz"

    @property
    def view(self) -> str:
        """What the page shows: "intake", "question", "feedback" (the verdict of the last answer, with a Next
        button, while the next question or the result waits), "practice" (a practice round after the result:
        its question, verdict or summary) or "result"."""
        if self.session_id is None:
            return "intake"
        if self.practice is not None:
            return "practice"
        if self.answered is not None:
            return "feedback"
        return "result" if self.result is not None else "question"


@dataclass(frozen=True)
class VoicePick:
    """A voice answer's proposal for question `item_id`: the option ids heard (shown selected until she taps
    提交) and the clip held for the response when the centre keeps recordings (else None)."""

    item_id: str
    option_ids: tuple[str, ...] = ()
    clip: str | None = None


@dataclass
class Answered:
    """The question just answered, shown with its verdict until she taps Next: the question as she saw it,
    what she chose (option ids, or her text), the key (now that the answer is stored) and the feedback."""

    question: QuestionView
    chosen: list[str]
    key: list[str]
    feedback: FeedbackView


@dataclass
class PracticeRound:
    """A practice round in progress: the latest step (`turn`) and, while the verdict is up, the answered
    question; `summary` once she tapped past the last verdict (the round's tally and the way back)."""

    turn: PracticeTurn
    answered: Answered | None = None

    @property
    def stage(self) -> str:
        """"question", "feedback" or "summary"."""
        if self.answered is not None:
            return "feedback"
        return "summary" if self.turn.done else "question"


@dataclass(frozen=True)
class OtherLanguage:
    """The shown question in the other language (看英文 / 看中文): its language, stem and option texts."""

    lang: str
    stem: str
    options: list[str]


@dataclass
class Choices:
    """The intake's choices in the tab's language: (label, value) pairs."""

    roles: list[tuple[str, str]]
    levels: list[tuple[str, int]]
    years: list[tuple[str, float]]
    domains: list[tuple[str, str]]


@dataclass
class WorkerScreen:
    """What one render shows.

    `tab` is the state after the step (its mode, language, question, tapped order, result and PDF path);
    `chat` the latest transcript as Chatbot messages (escaped); `radar` the result chart (only when the result is
    sent); `glossary` the bank's terms (marked in the question card), `other` the shown question in the other
    language (behind the card's 看英文 / 看中文 toggle); the flags say which parts to send: `labels` every label (the language may have changed),
    `set_lang` also the language switch itself, `new_question` clears the answer inputs, `send_result` the result
    panel (it is heavy: only when new or relabelled); `notice_at` names the control the notice belongs next to
    (one of `NOTICE_PLACES`); `tick` changes on every render (the page's busy indicator waits for it).
    """

    tab: Tab
    choices: Choices
    notice: str = ""
    chat: list[dict[str, str]] = field(default_factory=list)
    radar: Any = None
    labels: bool = False
    set_lang: bool = False
    new_question: bool = False
    send_result: bool = False
    notice_at: str = "top"
    tick: int = 0
    glossary: list[GlossaryTerm] = field(default_factory=list)
    other: OtherLanguage | None = None

    @property
    def lang(self) -> str:
        return self.tab.lang

    @property
    def mode(self) -> str:
        return self.tab.mode


def screen_summary(tab: Tab, notice: str = "") -> dict[str, Any]:
    """What the screen shows, as plain data for API clients: mode, notice, the question (no key), the result."""
    question = tab.question if tab.mode == "quiz" else None
    result = tab.result if tab.mode == "result" else None
    return {
        "mode": tab.mode, "view": tab.view, "lang": tab.lang, "notice": notice, "session_id": tab.session_id,
        "resume_code": tab.resume_code,
        "question": None if question is None else {
            "item_id": question.item_id, "type": question.type, "stem": question.stem,
            "options": [text for _oid, text in question.options], "option_ids": [oid for oid, _t in question.options],
            "order": list(tab.order), "number": question.number, "expected": question.expected,
            "progress": question.progress},
        "result": None if result is None else {
            "ready": result.ready, "n_items": result.n_items, "readiness": result.readiness_text,
            "domains": [{"domain": r.domain, "band": r.band, "n_items": r.n_items} for r in result.rows],
            "courses": [c.course_id for c in result.courses], "pdf": tab.pdf_path is not None},
        "practice": None if tab.practice is None else practice_summary(tab.practice),
    }


def practice_summary(practice: PracticeRound) -> dict[str, Any]:
    """A practice round for API clients: its session, stage, tally and pending question (no key)."""
    turn = practice.turn
    q = turn.question if practice.stage == "question" else None
    return {"session_id": turn.session_id, "of": turn.assessment_id, "domain": turn.domain, "stage": practice.stage,
            "right": turn.right, "answered": turn.answered, "total": turn.total,
            "question": None if q is None else {"item_id": q.item_id, "type": q.type, "stem": q.stem,
                                                "options": [text for _oid, text in q.options]}}
