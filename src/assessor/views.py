"""What a front end shows, as plain data: the question (never its key), the feedback after an answer, the
result, and the `Turn` that carries them. The dialogue builds these; the web page and the terminal render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessor.i18n import t


@dataclass
class QuestionView:
    """The pending question in one language: stem, options as (id, text) pairs in the bank's order, the
    instruction for its type and the progress line. Never the key or the explanation."""

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
    image_src: str = ""
    """The item's drawing as a data: URI of its validated SVG ("" when it has none); `image_alt` says what it shows."""
    image_alt: str = ""

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
class PointFeedback:
    """One line of per-point feedback on a free-text answer: `mark` is 'said' (✔), 'missing' (✗) or
    'dangerous' (⚠, a critical error the answer recommends); `text` is the whole line in plain words."""

    mark: str
    point: str
    text: str


@dataclass
class FeedbackView:
    """After an answer: the verdict, the authored lines (right answer, rubric points, explanation) and, when a
    model text passed the gate, a personal line (`personal_source` says which). For a free-text answer `points`
    holds ✔ said / ✗ missing / ⚠ dangerous per point; `provisional` means the scorer was unsure: the answer waits
    for a trainer's review and does not count yet (`provisional_text` says so in plain words)."""

    item_id: str
    verdict: str
    correct: bool
    score: float
    pilot: bool
    lines: list[str]
    personal: str | None = None
    personal_source: str = "bank"
    points: list[PointFeedback] = field(default_factory=list)
    provisional: bool = False
    provisional_text: str = ""

    def as_markdown(self) -> str:
        text = "\n\n".join(self.lines)
        if self.personal:
            text += "\n\n" + self.personal
        return text


@dataclass
class DomainRow:
    """One skill area of the result: ability θ ± SE, items answered, and the band in words."""

    domain: str
    name: str
    theta: float
    se: float
    n_items: int
    band: str
    band_text: str
    sure_text: str
    level_shown: int | None
    measured_enough: bool = True  # False: 还没测够 / not measured enough (no band, no confidence word)


@dataclass
class CourseView:
    """A recommended course in one language, with the reason it is recommended."""

    course_id: str
    title: str
    level: int
    hours: float
    reason: str
    units: list[str]
    domain: str


@dataclass
class ResultView:
    """The finished session in one language: readiness, one row per area (weakest first), courses, summary."""

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
    stop_text: str = ""  # why the check ended (已经能判断您的水平了 …), from the engine's stop code
    pending_reviews: int = 0  # free-text answers waiting for a trainer: the result may still change

    @property
    def pending_text(self) -> str:
        """"N answers are waiting for your trainer to check…" in the result's language, or ""."""
        return t("provisional_result", self.lang, n=self.pending_reviews) if self.pending_reviews else ""

    def as_markdown(self) -> str:
        lang = self.lang
        lines = [f"## {t('result_title', lang)}", "", self.readiness_text, ""]
        if self.pending_reviews:
            lines += [self.pending_text, ""]
        lines += [
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
