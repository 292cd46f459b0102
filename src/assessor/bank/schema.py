"""The question-bank schema: pydantic v2 models for items, courses, domains and role blueprints.

Ids are stable contracts: domain ids, role ids and levels are fixed (see the bank README).
Levels follow the Chinese national standards: 5 (五级/初级工) is the entry level, 1 (一级/高级技师) the top.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DOMAIN_IDS: tuple[str, ...] = (
    "ethics_law",
    "cleaning",
    "laundry_organizing",
    "cooking_nutrition",
    "maternal_newborn",
    "infant_care",
    "elderly_care",
    "sick_care_ipc",
    "safety_first_aid",
    "communication",
    "management_training",
)
ROLE_IDS: tuple[str, ...] = (
    "housekeeper",
    "maternity_nurse",
    "family_caregiver",
    "infant_carer",
    "elderly_carer",
    "home_organizer",
)
LEVELS: tuple[int, ...] = (5, 4, 3, 2, 1)
LEVEL_NAMES: dict[int, dict[str, str]] = {
    5: {"zh": "五级/初级工", "en": "Level 5 (Elementary)"},
    4: {"zh": "四级/中级工", "en": "Level 4 (Intermediate)"},
    3: {"zh": "三级/高级工", "en": "Level 3 (Advanced)"},
    2: {"zh": "二级/技师", "en": "Level 2 (Technician)"},
    1: {"zh": "一级/高级技师", "en": "Level 1 (Senior Technician)"},
}
ItemType = Literal["single_choice", "multiple_choice", "true_false", "ordering", "open_scenario"]
ITEM_TYPES: tuple[str, ...] = ("single_choice", "multiple_choice", "true_false", "ordering", "open_scenario")
LANGS: tuple[str, ...] = ("zh", "en")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ZhEn(_Strict):
    """Fields `zh` and `en`, neither empty (surrounding space is dropped)."""

    zh: str
    en: str

    @field_validator("zh", "en", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        if isinstance(value, str | int | float) and not str(value).strip():
            raise ValueError("text is empty")
        return str(value).strip() if isinstance(value, str | int | float) else value

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def text(self, lang: str) -> str:
        return self.get(lang)


class Text(_ZhEn):
    """One text in both languages; neither may be empty."""


class Option(_ZhEn):
    id: str = Field(min_length=1)


class Keywords(_Strict):
    """Short phrases per language (hints, examples); either list may be empty."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def get(self, lang: str) -> list[str]:
        return self.zh if lang == "zh" else self.en

    def all(self) -> list[str]:
        return [*self.zh, *self.en]


Polarity = Literal["do", "do_not"]


class RubricPoint(_ZhEn):
    """One *action* a good free-text answer states (rubric v2), and whether the worker should do it or not.

    `zh`/`en` state the instruction as a trainer says it; `polarity` is `do` ("马上打120": the answer earns the
    point by saying to do it) or `do_not` ("不要急着把他扶起来": by saying not to do it; the text then carries the
    negation in both languages). `weight` is the point's share of the item's score. `keywords` are optional hints
    for the scorer, never enough alone for the point; `examples` are optional paraphrases of the whole point.
    """

    polarity: Polarity
    weight: float = Field(default=1.0, gt=0)
    keywords: Keywords = Field(default_factory=Keywords)
    examples: Keywords = Field(default_factory=Keywords)


class CriticalError(_ZhEn):
    """A dangerous action for this scenario: an answer that recommends it scores 0 on the item, and the worker
    is shown "⚠ 这样做有危险：<zh>" / "⚠ This is dangerous: <en>". `examples` are ways a worker might say it
    (at least one per language)."""

    examples: Keywords = Field(default_factory=Keywords)


class Image(_Strict):
    """A drawing made for the bank: an SVG under question_bank/media/ and its alt text in both languages."""

    file: str = Field(pattern=r"^[A-Za-z0-9_\-./]+\.svg$")
    alt: Text


class IRTParams(_Strict):
    """3PL parameters: P(correct | θ) = c + (1 − c) / (1 + exp(−a(θ − b))).

    For polytomous items (open_scenario, multiple_choice with partial credit) `steps` holds the
    generalised-partial-credit step offsets around b; when absent they are derived from the rubric.
    """

    a: float
    b: float
    c: float = 0.0
    steps: list[float] | None = None
    source: Literal["prior", "calibrated"] = "prior"

    @field_validator("a")
    @classmethod
    def _a_range(cls, value: float) -> float:
        if not 0 < value <= 4:
            raise ValueError(f"discrimination a={value} must lie in (0, 4]")
        return value

    @field_validator("b")
    @classmethod
    def _b_range(cls, value: float) -> float:
        if not -6 <= value <= 6:
            raise ValueError(f"difficulty b={value} must lie in [-6, 6]")
        return value

    @field_validator("c")
    @classmethod
    def _c_range(cls, value: float) -> float:
        if not 0 <= value < 0.5:
            raise ValueError(f"guessing c={value} must lie in [0, 0.5)")
        return value


class Item(_Strict):
    """One question. `answer` is a list of option ids (choice and true/false items), the full order
    of option ids (ordering), or rubric points (open_scenario).

    Optional since bank v2: `critical` (open_scenario only: dangerous actions that cap the score at 0),
    `plain` (an authored everyday-words rephrasing of the stem that gives nothing away), `image`,
    `same_fact` (items of one group test the same fact: a session never shows two of them) and provenance
    (`source` guideline or standard with year, `author`, `reviewer`, `reviewed_on`, `review_due`).
    """

    id: str = Field(pattern=r"^[a-z]{3}-\d{4}$")
    domain: str
    level: int
    type: ItemType
    stem: Text
    options: list[Option] = Field(default_factory=list)
    answer: list[str] | list[RubricPoint]
    explanation: Text
    irt: IRTParams
    course_refs: list[str] = Field(min_length=1)
    standard_ref: str | None = None
    tags: list[str] = Field(default_factory=list)
    status: Literal["active", "pilot", "retired"] = "active"
    reviewed: bool = False
    version: int = Field(default=1, ge=1)
    critical: list[CriticalError] = Field(default_factory=list)
    plain: Text | None = None
    image: Image | None = None
    same_fact: str | None = Field(default=None, pattern=r"^[a-z0-9_\-]+$")
    source: str | None = None
    author: str | None = None
    reviewer: str | None = None
    reviewed_on: date | None = None
    review_due: date | None = None

    @property
    def option_ids(self) -> list[str]:
        return [option.id for option in self.options]

    @property
    def key(self) -> list[str]:
        """Option ids of the answer (empty for open_scenario)."""
        return [a for a in self.answer if isinstance(a, str)]

    @property
    def rubric(self) -> list[RubricPoint]:
        return [a for a in self.answer if isinstance(a, RubricPoint)]

    @property
    def max_score_categories(self) -> int:
        """Number of score categories above zero: 1 for dichotomous items, more for partial credit."""
        if self.type == "open_scenario":
            return max(1, len(self.rubric))
        if self.type == "multiple_choice":
            return 2
        return 1


class GlossaryTerm(_Strict):
    """A technical word of the bank (压疮, 海姆立克, 84消毒液 …) and its everyday explanation in both languages.

    `term` is the word as items write it; `aliases` other spellings that mean the same (褥疮 for 压疮);
    `plain` explains it in one or two short sentences of everyday words.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    term: Text
    aliases: Keywords = Field(default_factory=Keywords)
    plain: Text

    def forms(self, lang: str) -> list[str]:
        """The term and its aliases in `lang`, longest first."""
        return sorted({self.term.get(lang), *self.aliases.get(lang)}, key=len, reverse=True)


class Unit(_Strict):
    """A course unit; `summary` (optional) states in 1-2 plain sentences what the unit teaches (ask-the-bank)."""

    id: str = Field(min_length=1)
    title: Text
    tags: list[str] = Field(default_factory=list)
    summary: Text | None = None


class Course(_Strict):
    id: str = Field(min_length=1)
    title: Text
    level: int
    hours: float = Field(gt=0)
    domains: list[str] = Field(min_length=1)
    units: list[Unit] = Field(min_length=1)
    summary: Text
    provider: str = "Assessor catalogue"


class Domain(_Strict):
    id: str
    code: str
    name: Text
    description: Text


class StopSettings(_Strict):
    """Per-level overrides of the engine's stop and selection settings (cat.session.EngineConfig fields of
    the same name); a field left out keeps the engine's default. Unknown keys are an error."""

    p_area: float | None = Field(default=None, gt=0.5, lt=1.0)
    p_overall: float | None = Field(default=None, gt=0.5, lt=1.0)
    accuracy_target: float | None = Field(default=None, gt=0.5, lt=1.0)
    min_gain_per_item: float | None = Field(default=None, ge=0.0)
    readiness_weight: float | None = Field(default=None, ge=0.0)
    close_call_min_items: int | None = Field(default=None, ge=0)
    dispute_extra_items: int | None = Field(default=None, ge=0)

    def overrides(self) -> dict[str, float | int]:
        """The fields set here, as an `EngineConfig.model_copy(update=...)` mapping."""
        return self.model_dump(exclude_none=True)


class LevelBlueprint(_Strict):
    """What a role's assessment at one level samples: domain weights (sum 100) and the cut score
    on the θ scale at or above which a worker is judged to be at this level."""

    weights: dict[str, float]
    cut_score: float
    own_evidence_k: int = Field(default=3, ge=1, le=10)
    """Answered items of its own an area needs before it gets a band and a confidence word."""
    max_open_share: float = Field(default=0.15, ge=0.0, le=1.0)
    """Largest share of a session's items that may be typed (open_scenario) at this level."""
    gentle_start: int = Field(default=5, ge=0, le=15)
    """The first this many items are tap items at or below the target level (never typed)."""
    stop: StopSettings | None = None
    """Overrides of the engine's stop/selection settings at this level (StopSettings); None: the defaults."""


class Role(_Strict):
    id: str
    name: Text
    description: Text
    levels: dict[int, LevelBlueprint]
