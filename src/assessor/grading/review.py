"""When the scorer abstains (待老师复核 / needs trainer review), and the shape of a trainer's decision.

An answer needs review when (reasons, in this order):
- `uncertain_point`: some point's probability lies within the head's review margin of its threshold *and*
  flipping the uncertain points could move the score across a band boundary (none < 0.25 ≤ partial < 0.75 ≤
  full): the score with every uncertain point unmatched and with every one matched fall in different bands
  (the score is monotone in the matched set, so no other combination can reach a third band);
- `uncertain_critical`: the same for a critical error: an uncertain, not recommended critical error matters only
  when the score is above the none band (it would zero it); an uncertain recommended one only when the points
  alone would score above none;
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
    point_weights: Sequence[float] = ()  # empty: any uncertain point or critical error sends to review
    point_matched: Sequence[bool] = ()
    score_cap: float = 1.0  # the cap applied to the score now (keyword list, instruction)
    fixed_cap: float = 1.0  # the cap that holds whatever is matched (instruction)
    critical_hit: bool = False


def _band(score: float) -> int:
    return 0 if score < 0.25 else 1 if score < 0.75 else 2


def band_can_change(inputs: ReviewInputs, point_uncertain: Sequence[bool], critical_uncertain: bool) -> bool:
    """Whether flipping the uncertain points (and an uncertain critical error) could change the score's band."""
    weights = list(inputs.point_weights)
    total = sum(weights)
    if not total:
        return any(point_uncertain) or critical_uncertain
    sure = [m and not u for m, u in zip(inputs.point_matched, point_uncertain, strict=True)]
    low = min(sum(w for w, s in zip(weights, sure, strict=True) if s) / total, inputs.score_cap)
    high = min(sum(w for w, s, u in zip(weights, sure, point_uncertain, strict=True) if s or u) / total,
               inputs.fixed_cap)
    if inputs.critical_hit:  # the score is 0 unless the critical error is not really there
        return critical_uncertain and _band(high) > 0
    bands = {_band(low), _band(high)} | ({0} if critical_uncertain else set())
    return len(bands) > 1


def review_reasons(inputs: ReviewInputs, point: LogisticHead | None, critical: LogisticHead | None) -> list[str]:
    """The reasons (possibly none) to send an answer to a trainer instead of counting the machine's score."""
    if not inputs.has_content:
        return []
    reasons = []
    unsure = [point is not None and point.uncertain(p, lang)
              for p, lang in zip(inputs.point_probs, inputs.point_langs, strict=True)]
    unsure_critical = critical is not None and any(
        critical.uncertain(p, lang) for p, lang in zip(inputs.critical_probs, inputs.critical_langs, strict=True))
    banded = bool(inputs.point_weights)
    if any(unsure) and (not banded or band_can_change(inputs, unsure, False)):
        reasons.append("uncertain_point")
    if unsure_critical and (not banded or band_can_change(inputs, [False] * len(unsure), True)):
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
