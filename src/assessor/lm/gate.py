"""The gate: every generated text is checked before anyone sees it; on failure the authored text is shown.

Checks, in order (the first failure is the recorded reason); each is a small function registered with
`@gate_check(name)` in `GATE_CHECKS`, so a new check is one function, not another branch:
1. ``empty`` / ``length``: within the task's character bounds; ``repetition``: no looping output (a sentence
   said twice, or under 60% distinct word/character trigrams); ``not_a_question`` for a rephrased question.
2. ``language``: the detected language (zh/en) is the session's.
3. ``unsafe``: nothing from a small bilingual block list (violence, abuse, insults, self-harm, sexual content).
4. ``score_claim``: worker-facing text never talks about marks or scores (the engine alone scores).
5. ``leak`` (before the worker has answered): no text of the key (correct option, rubric point), no key
   letter ("the answer is B", "选B"), and the text is not markedly closer to the correct option than to every
   distractor (embedding similarity, margin 0.03); for open items, no rubric keyword absent from the stem.
6. ``ungrounded``: the best similarity of the text to its source texts exceeds its best similarity to a set of
   neutral off-topic anchors by at least ``margin`` (default 0.02 for e5, settings.gate_grounding_margin).
   e5 similarities sit in a narrow band, so the gate compares with a baseline rather than a fixed threshold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np

from assessor.retrieval.embedder import Embedder, cosine
from assessor.retrieval.text import detect_lang, find_keyword, normalise_text

Source = Literal["model", "bank"]

ANCHORS: tuple[str, ...] = (
    "今天天气很好，我们去公园散步吧。",
    "这部电影很好看，演员演得不错。",
    "股票市场今天上涨了。",
    "The weather is lovely today, let's go for a walk.",
    "The football match ended in a draw.",
    "I bought a new phone and it has a great camera.",
)

UNSAFE = re.compile(
    r"\b(kill|murder|suicide|self-harm|hit (the|a) (child|baby|kid)|slap|beat (him|her|them)|shake (the|a) baby|"
    r"sex|sexual|porn|naked|stupid|idiot|moron|fuck|shit|bitch|drugs?\s+(him|her)|poison)\b|"
    r"杀死|杀了|自杀|自残|打孩子|打宝宝|摇晃(婴儿|宝宝)|虐待他|色情|性交|裸体|傻逼|傻瓜|笨蛋|蠢货|去死|滚开|下药|毒死",
    re.IGNORECASE,
)
SCORE_CLAIM = re.compile(
    r"full marks|\b\d+\s*(points?|marks?)\b|you (scored|get|got|earn(ed)?) (a |full |\d)|score (is|of)|"
    r"满分|得分|分数|\d+\s*分(?!钟)|给你.{0,4}分",
    re.IGNORECASE,
)
KEY_LETTER = re.compile(
    r"(answer|correct (one|choice|option)|right (one|choice|option)|option|choice)\s*(is|:|=)?\s*\(?[A-Ea-e]\)?(?![A-Za-z])|"
    r"答案(是|为|：|:)?\s*[A-Ea-e对错]|选\s*[A-Ea-e](?![A-Za-z])|正确(答案|选项|的是)|the (correct|right) answer",
)


@dataclass
class GateDecision:
    """What was shown and why. `model_text` keeps the generated text (for the transcript) even when rejected."""

    text_shown: str
    source: Source
    reason: str
    use: str = ""
    lang: str = ""
    model_text: str | None = None
    checks: dict[str, float | bool | str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


_SENTENCE = re.compile(r"[。！？!?.\n]+")
_QUESTION = re.compile(
    r"[?？]|吗|呢|什么|怎么|怎样|如何|哪|为什么|是否|多少|几|\b(what|how|which|why|when|where|who|should|would|do|does|is|are|can)\b",
    re.IGNORECASE,
)


def _repetitive(text: str) -> bool:
    sentences = [s.strip().lower() for s in _SENTENCE.split(text) if len(s.strip()) > 3]
    if len(sentences) != len(set(sentences)):
        return True
    tokens = re.findall(r"[a-z0-9']+|[\u3400-\u9fff]", text.lower())
    grams = [tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)]
    return len(grams) >= 12 and len(set(grams)) / len(grams) < 0.6


def _asks(text: str) -> bool:
    return bool(_QUESTION.search(text))


def _contains_phrase(text: str, phrase: str) -> bool:
    phrase = normalise_text(phrase).lower().rstrip("。.!！")
    if not phrase:
        return False
    cjk = len(re.findall(r"[\u3400-\u9fff]", phrase))
    if (cjk and cjk < 4) or (not cjk and len(phrase) < 12):
        return False  # too short to be a leak by itself ("对", "True")
    return phrase in normalise_text(text).lower()


@dataclass
class Candidate:
    """One generated text being checked, with what the checks compare it against.

    `vector` (its passage embedding) is computed once, by the first check that needs it; `checks` collects the
    figures every check measured (kept in the decision for the transcript)."""

    gate: Gate
    text: str
    lang: str
    sources: Sequence[str]
    forbidden: Sequence[str] = ()
    distractors: Sequence[str] = ()
    forbidden_keywords: Sequence[str] = ()
    before_answer: bool = False
    min_chars: int = 8
    max_chars: int = 400
    worker_facing: bool = True
    must_ask: bool = False
    margin: float | None = None
    checks: dict[str, float | bool | str] = field(default_factory=dict)
    _vector: np.ndarray | None = None

    @property
    def vector(self) -> np.ndarray:
        if self._vector is None:
            self._vector = self.gate.embedder.encode_passages([self.text])[0]
        return self._vector


# A check returns the rejection reason ("name: why") or None when the text passes it.
GateCheck = Callable[[Candidate], str | None]
GATE_CHECKS: dict[str, GateCheck] = {}


def gate_check(name: str) -> Callable[[GateCheck], GateCheck]:
    """Register a check under `name`; checks run in the order they are registered, the first failure decides."""

    def register(check: GateCheck) -> GateCheck:
        if name in GATE_CHECKS:
            raise ValueError(f"gate check {name!r} is registered twice")
        GATE_CHECKS[name] = check
        return check

    return register


@gate_check("length")
def _check_length(c: Candidate) -> str | None:
    c.checks["chars"] = len(c.text)
    if not c.min_chars <= len(c.text) <= c.max_chars:
        return f"length: {len(c.text)} characters, allowed {c.min_chars}-{c.max_chars}"
    return None


@gate_check("repetition")
def _check_repetition(c: Candidate) -> str | None:
    return "repetition: the text loops" if _repetitive(c.text) else None


@gate_check("not_a_question")
def _check_asks(c: Candidate) -> str | None:
    if c.must_ask and not _asks(c.text):
        return "not_a_question: a rephrased question must still ask something"
    return None


@gate_check("language")
def _check_language(c: Candidate) -> str | None:
    detected = detect_lang(c.text)
    c.checks["lang"] = detected or "none"
    return None if detected == c.lang else f"language: expected {c.lang}, got {detected}"


@gate_check("unsafe")
def _check_unsafe(c: Candidate) -> str | None:
    return "unsafe: blocked word" if UNSAFE.search(c.text) else None


@gate_check("score_claim")
def _check_score_claim(c: Candidate) -> str | None:
    return "score_claim: talks about marks" if c.worker_facing and SCORE_CLAIM.search(c.text) else None


@gate_check("leak")
def _check_leak(c: Candidate) -> str | None:
    if not c.before_answer:
        return None
    if KEY_LETTER.search(c.text):
        return "leak: names the answer"
    if any(_contains_phrase(c.text, phrase) for phrase in c.forbidden):
        return "leak: contains the answer text"
    keyword = find_keyword(normalise_text(c.text).lower(), [k for k in c.forbidden_keywords if len(k) >= 2])
    if keyword:
        c.checks["keyword"] = keyword
        return "leak: uses a rubric keyword"
    if c.forbidden and c.distractors:
        embedder = c.gate.embedder
        key_sim = float(cosine(embedder.encode_passages(list(c.forbidden)), c.vector).max())
        other_sim = float(cosine(embedder.encode_passages(list(c.distractors)), c.vector).max())
        c.checks["key_vs_distractor"] = round(key_sim - other_sim, 4)
        if key_sim - other_sim >= c.gate.leak_margin:
            return "leak: leans towards the correct option"
    return None


@gate_check("ungrounded")
def _check_grounded(c: Candidate) -> str | None:
    if not c.sources:
        return None
    source_sim = float(cosine(c.gate.embedder.encode_passages(list(c.sources)), c.vector).max())
    baseline = float(cosine(c.gate.anchors, c.vector).max())
    c.checks["grounding"] = round(source_sim - baseline, 4)
    need = max(c.gate.margin, c.margin or 0.0)
    if source_sim - baseline < need:
        return f"ungrounded: similarity margin {source_sim - baseline:.3f} < {need}"
    return None


class Gate:
    """Runs the registered checks (`GATE_CHECKS`, in order) on candidate texts with one embedder (for grounding
    and the leak-by-similarity check)."""

    def __init__(self, embedder: Embedder, margin: float = 0.02, leak_margin: float = 0.03) -> None:
        self.embedder = embedder
        self.margin = margin
        self.leak_margin = leak_margin
        self.anchors = embedder.encode_passages(list(ANCHORS))

    def check(self, candidate: str | None, *, lang: str, fallback: str, sources: Sequence[str], use: str = "",
              forbidden: Sequence[str] = (), distractors: Sequence[str] = (), before_answer: bool = False,
              min_chars: int = 8, max_chars: int = 400, worker_facing: bool = True, must_ask: bool = False,
              margin: float | None = None, forbidden_keywords: Sequence[str] = ()) -> GateDecision:
        """The decision for one generated text; `fallback` (authored text) is shown when any check fails."""
        text = (candidate or "").strip()
        if not text:
            return GateDecision(fallback, "bank", "empty", use, lang, candidate, {})
        c = Candidate(self, text, lang, sources, forbidden=forbidden, distractors=distractors,
                      forbidden_keywords=forbidden_keywords, before_answer=before_answer, min_chars=min_chars,
                      max_chars=max_chars, worker_facing=worker_facing, must_ask=must_ask, margin=margin)
        for check in GATE_CHECKS.values():
            reason = check(c)
            if reason is not None:
                return GateDecision(fallback, "bank", reason, use, lang, candidate, c.checks)
        return GateDecision(text, "model", "ok", use, lang, candidate, c.checks)


def bank_decision(fallback: str, reason: str, use: str, lang: str) -> GateDecision:
    """A decision showing the authored text without any generation (no generator, use switched off...)."""
    return GateDecision(fallback, "bank", reason, use, lang, None, {})


def cosine_margin(embedder: Embedder, text: str, sources: Sequence[str]) -> float:
    """Similarity of `text` to its best source minus its best similarity to the off-topic anchors."""
    vec = embedder.encode_passages([text])[0]
    anchors = embedder.encode_passages(list(ANCHORS))
    return float((embedder.encode_passages(list(sources)) @ vec).max() - np.max(anchors @ vec))
