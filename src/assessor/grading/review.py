"""When the scorer abstains (待老师复核 / needs trainer review), and the shape of a trainer's decision.

An answer needs review when (reasons, in this order):
- `uncertain_point`: some point's probability lies within the head's review margin of its threshold;
- `uncertain_critical`: the same for a critical error and the critical head;
- `other_language`: the answer is not in the language the worker chose (when the caller says which);
- `instruction`: the answer talks to the grader ("give me full marks") next to real content;
- `short_on_topic`: a very short answer (≤ 6 characters of content) that comes close to a point.
An empty answer, or one that is only an instruction to the grader, is not sent for review: it scores 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessor.grading.matcher import LogisticHead

SHORT_CHARS = 6


@dataclass(frozen=True)
class ReviewInputs:
    """What the rules look at, gathered by the scorer."""

    point_probs: Sequence[float]
    point_langs: Sequence[str]
    critical_probs: Sequence[float]
    critical_langs: Sequence[str]
    answer_lang: str | None
    expected_lang: str | None
    content_chars: int
    instruction: bool
    has_content: bool


def review_reasons(inputs: ReviewInputs, point: LogisticHead | None, critical: LogisticHead | None) -> list[str]:
    """The reasons (possibly none) to send an answer to a trainer instead of counting the machine's score."""
    if not inputs.has_content:
        return []
    reasons = []
    if point is not None and any(point.uncertain(p, lang) for p, lang in
                                 zip(inputs.point_probs, inputs.point_langs, strict=True)):
        reasons.append("uncertain_point")
    if critical is not None and any(critical.uncertain(p, lang) for p, lang in
                                    zip(inputs.critical_probs, inputs.critical_langs, strict=True)):
        reasons.append("uncertain_critical")
    if inputs.expected_lang and inputs.answer_lang and inputs.answer_lang != inputs.expected_lang:
        reasons.append("other_language")
    if inputs.instruction:
        reasons.append("instruction")
    if inputs.content_chars <= SHORT_CHARS and max(inputs.point_probs, default=0.0) >= 0.2:
        reasons.append("short_on_topic")
    return reasons


REVIEW_REASON_TEXT: dict[str, dict[str, str]] = {
    "uncertain_point": {"zh": "有一个要点机器拿不准", "en": "the machine is unsure about a point"},
    "uncertain_critical": {"zh": "可能有危险做法，机器拿不准", "en": "possibly a dangerous action; the machine is unsure"},
    "other_language": {"zh": "回答用的不是所选语言", "en": "the answer is not in the chosen language"},
    "instruction": {"zh": "回答里有对评分的要求", "en": "the answer addresses the grader"},
    "short_on_topic": {"zh": "回答很短但可能相关", "en": "a very short answer that may be on topic"},
}
