"""The free-text scorer: clauses → per-point probabilities (learned head) → score, critical errors, abstention.

score = Σ weight of matched points / Σ weight, then:
- 0 when a critical error is recommended (listed in `critical`; the worker sees "⚠ 这样做有危险：…");
- at most 0.5 for a bare keyword list (no clause states an action, or the answer is a list of short fragments)
  and when the answer talks to the grader.
A point is matched when the head's P(said) ≥ its language threshold; `confidence` = max(P, 1 − P).
Embedders the head was not trained with (tests' hashing embedder, MiniLM) use a fixed rule instead
(margin ≥ strong with agreeing polarity, or a keyword in an agreeing clause and margin ≥ weak) and are flagged
`uncalibrated`. Deterministic; no generative model.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from assessor.bank.schema import Item
from assessor.grading.clauses import Clause, clauses, is_list_like
from assessor.grading.features import (
    ANCHORS,
    BASE_FEATURES,
    PairEvidence,
    TargetVectors,
    best_agreeing,
    margins,
    pair_features,
    target_vectors,
)
from assessor.grading.matcher import HEAD_FILE, HeadFile
from assessor.grading.review import ReviewInputs, review_reasons
from assessor.grading.rubric import Target, critical_targets, point_targets
from assessor.retrieval.embedder import Embedder
from assessor.retrieval.text import detect_lang, is_instruction

log = logging.getLogger(__name__)

MAX_CHARS = 1500
CAP_KEYWORDS_ONLY = 0.5
CAP_INSTRUCTION = 0.5


@dataclass(frozen=True)
class GradingParams:
    """The fixed rule for embedders without a trained head: margins above the off-topic baseline."""

    strong: float = 0.06
    weak: float = -0.02


DEFAULT_PARAMS = GradingParams()


@dataclass
class PointResult:
    """One rubric point: matched or not, with the evidence clause and the head's probability."""

    index: int
    zh: str
    en: str
    weight: float
    polarity: str
    matched: bool
    probability: float
    evidence: str
    keyword: str | None
    margin: float
    lang: str = "zh"

    @property
    def confidence(self) -> float:
        return max(self.probability, 1.0 - self.probability)

    @property
    def similarity(self) -> float:  # kept for older callers: the agreeing margin
        return self.margin


@dataclass
class CriticalHit:
    """A dangerous action the answer recommends."""

    index: int
    zh: str
    en: str
    evidence: str
    probability: float


@dataclass
class GradeResult:
    """The graded answer: `score` in 0..1, per point results, critical errors, and whether a trainer must
    review it before it counts (`needs_review`, with `review_reasons`)."""

    item_id: str
    score: float
    points: list[PointResult]
    answer_lang: str | None
    flags: list[str] = field(default_factory=list)
    ignored_spans: list[str] = field(default_factory=list)
    critical: list[CriticalHit] = field(default_factory=list)
    needs_review: bool = False
    review_reasons: list[str] = field(default_factory=list)
    critical_probabilities: list[tuple[float, str]] = field(default_factory=list)  # (P, lang) per critical error

    @property
    def matched_count(self) -> int:
        return sum(p.matched for p in self.points)

    def to_json(self) -> dict[str, Any]:
        """The JSON stored with the response and printed by `assessor grade --json`."""
        return {
            "item": self.item_id,
            "score": round(self.score, 4),
            "matched": self.matched_count,
            "needs_review": self.needs_review,
            "review_reasons": self.review_reasons,
            "critical": [{**asdict(c), "probability": round(c.probability, 4)} for c in self.critical],
            "points": [
                {"index": p.index, "zh": p.zh, "en": p.en, "weight": p.weight, "polarity": p.polarity,
                 "matched": p.matched, "evidence": p.evidence, "confidence": round(p.confidence, 4),
                 "probability": round(p.probability, 4), "keyword": p.keyword, "margin": round(p.margin, 4)}
                for p in self.points
            ],
            "answer_lang": self.answer_lang,
            "flags": self.flags,
            "ignored_spans": self.ignored_spans,
        }


def score_band(score: float) -> str:
    """The coarse band compared with labels: none (< 0.25), partial (< 0.75), full."""
    if score < 0.25:
        return "none"
    if score < 0.75:
        return "partial"
    return "full"


_TAG = re.compile(r"<[^<>]{0,300}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def clean_answer(answer: object) -> tuple[str, list[str]]:
    """The answer as text to grade and flags: `html` (tags removed), `truncated` (over MAX_CHARS),
    `unreadable` (mostly control or replacement characters: graded as empty), `not_text`."""
    flags: list[str] = []
    if answer is None:
        return "", flags
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", errors="replace")
    if not isinstance(answer, str):
        flags.append("not_text")
        answer = str(answer)
    text = unicodedata.normalize("NFKC", answer)
    bad = len(_CONTROL.findall(text))
    if text and bad / len(text) > 0.2:
        return "", [*flags, "unreadable"]
    text = _CONTROL.sub(" ", text)
    if _TAG.search(text):
        flags.append("html")
        text = _TAG.sub(" ", text)
    if len(text) > MAX_CHARS:
        flags.append("truncated")
        text = text[:MAX_CHARS]
    return text.strip(), flags


@dataclass
class Analysis:
    """Everything the head sees for one answer: clauses, per-target features and evidence (used by train)."""

    clauses: list[Clause]
    points: list[PairEvidence]
    critical: list[PairEvidence]
    ignored: list[str]
    flags: list[str]


class Grader:
    """Scores answers to open_scenario items; caches the rubric vectors of every item it has seen."""

    def __init__(self, embedder: Embedder, params: GradingParams = DEFAULT_PARAMS, head: HeadFile | None = None,
                 packaged: bool = True) -> None:
        """`head` None means the packaged head (when `packaged` and it loads), else the fixed rule."""
        self.embedder = embedder
        self.params = params
        if head is None and packaged and HEAD_FILE.exists():
            try:
                head = HeadFile.load(HEAD_FILE)
            except ValueError:
                log.exception("the packaged grading head cannot be used; falling back to the fixed rule")
        self.head = head if head is not None and head.model_id == getattr(embedder, "model_id", None) else None
        self._anchors = embedder.encode_queries(list(ANCHORS))
        self._cache: dict[tuple[str, int], tuple[list[Target], list[TargetVectors], list[Target],
                                                 list[TargetVectors]]] = {}
        self._lock = threading.Lock()

    def _targets(self, item: Item) -> tuple[list[Target], list[TargetVectors], list[Target], list[TargetVectors]]:
        key = (item.id, item.version)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            self.warm([item])
            with self._lock:
                cached = self._cache[key]
        return cached

    def warm(self, items: Iterable[Item], source: Embedder | None = None) -> int:
        """Encode the rubric points, critical errors and examples of every open item not cached yet, in one
        batch (the vectors equal one-item encoding: the engine encodes each text on its own), so no worker's
        first answer to an item waits for them. `source` may supply the passage vectors instead (e.g. a disk
        cache of the same model: ValueError when its model_id differs). Returns how many items were added;
        ValueError for an item without a rubric, as grading it would."""
        if source is not None and source.model_id != self.embedder.model_id:
            raise ValueError(f"warm: {source.model_id} is not the grader's embedder {self.embedder.model_id}")
        with self._lock:
            todo = list({(i.id, i.version): i for i in items if (i.id, i.version) not in self._cache}.values())
        built = [(item, point_targets(item), critical_targets(item)) for item in todo]
        cores = [p.core for _, points, crits in built for t in points + crits for p in t.phrases]
        vecs = (source or self.embedder).encode_passages(cores) if cores else np.zeros((0, 1))
        at = 0
        for item, points, crits in built:
            tvs = []
            for t in points + crits:
                n = len(t.phrases)
                tvs.append(target_vectors(t, vecs[at : at + n], self._anchors))
                at += n
            with self._lock:
                self._cache[(item.id, item.version)] = (points, tvs[: len(points)], crits, tvs[len(points):])
        return len(built)

    def analyse(self, item: Item, text: str) -> Analysis:
        """Clauses and pair features of a cleaned answer (ValueError for an item without a rubric)."""
        points, ptv, crits, ctv = self._targets(item)
        found = clauses(text)
        ignored = [c.text for c in found if is_instruction(c.text)]
        usable = [c for c in found if c.text not in ignored]
        flags = ["instruction_ignored"] if ignored else []
        if not usable:
            return Analysis([], [], [], ignored, flags)
        cores = list(dict.fromkeys(c.core for c in usable))
        vecs = self.embedder.encode_queries(cores)
        clause_vecs = vecs[[cores.index(c.core) for c in usable]]
        point_margins = [margins(clause_vecs, tv) for tv in ptv]
        agreeing = np.stack([best_agreeing(usable, m, tv) for m, tv in zip(point_margins, ptv, strict=True)])
        point_ev = []
        for i, (t, m, tv) in enumerate(zip(points, point_margins, ptv, strict=True)):
            others = np.delete(agreeing, i, axis=0).max(axis=0) if len(points) > 1 else np.full(len(usable), -1.0)
            point_ev.append(pair_features(usable, t, m, others, tv))
        crit_ev = []
        best_points = agreeing.max(axis=0)
        for t, tv in zip(crits, ctv, strict=True):
            crit_ev.append(pair_features(usable, t, margins(clause_vecs, tv), best_points, tv))
        return Analysis(usable, point_ev, crit_ev, ignored, flags)

    def _point_probability(self, ev: PairEvidence) -> float:
        if self.head is not None:
            return float(self.head.point.probability(ev.features))
        f = dict(zip(BASE_FEATURES, ev.features, strict=False))
        ok = (f["agree"] >= self.params.strong and f["agree"] > f["clash"]) or (
            f["keyword"] > 0 and f["agree"] >= self.params.weak)
        return 0.9 if ok else 0.1

    def _critical_probability(self, ev: PairEvidence) -> float:
        if self.head is not None and self.head.critical is not None:
            return float(self.head.critical.probability(ev.features))
        f = dict(zip(BASE_FEATURES, ev.features, strict=False))
        return 0.9 if f["agree"] >= self.params.strong + 0.04 and f["top"] > 0 and f["agree"] > f["clash"] else 0.1

    def grade(self, item: Item, answer: object, expected_lang: str | None = None) -> GradeResult:
        """Score one answer. Items that are not open_scenario raise ValueError; any answer text is accepted."""
        points, _, crits, _ = self._targets(item)
        text, flags = clean_answer(answer)
        lang = detect_lang(text)
        analysis = self.analyse(item, text) if text else Analysis([], [], [], [], [])
        flags += analysis.flags
        if not text:
            flags.append("empty")
        elif not analysis.clauses:
            flags.append("no_answer_content")
        head = self.head.point if self.head else None
        crit_head = self.head.critical if self.head else None
        results: list[PointResult] = []
        probs: list[float] = []
        langs: list[str] = []
        point_evs: list[PairEvidence | None] = list(analysis.points) or [None] * len(points)
        for t, ev in zip(points, point_evs, strict=True):
            p = self._point_probability(ev) if ev is not None else 0.0
            clause_lang = analysis.clauses[ev.clause].lang if ev is not None else (lang or "zh")
            probs.append(p)
            langs.append(clause_lang)
            matched = head.matched(p, clause_lang) if head is not None else p >= 0.5
            results.append(PointResult(
                t.index, t.zh, t.en, t.weight, "do_not" if t.polarity < 0 else "do", matched, p,
                analysis.clauses[ev.clause].text if ev is not None and ev.features[0] > -1 else "",
                ev.keyword if ev is not None else None, float(ev.features[0]) if ev is not None else 0.0,
                clause_lang))
        crit_probs: list[float] = []
        crit_langs: list[str] = []
        hits: list[CriticalHit] = []
        for t, cev in zip(crits, analysis.critical, strict=False):
            p = self._critical_probability(cev)
            clause = analysis.clauses[cev.clause]
            crit_probs.append(p)
            crit_langs.append(clause.lang)
            said = crit_head.matched(p, clause.lang) if crit_head is not None else p >= 0.5
            # the answer must not also say *not* to do it more plainly (features 0 and 1: agree, clash)
            if said and cev.features[0] > cev.features[1]:
                hits.append(CriticalHit(t.index, t.zh, t.en, clause.text, p))
        total = sum(t.weight for t in points)
        score = sum(r.weight for r in results if r.matched) / total if total else 0.0
        evidence = [analysis.clauses[ev.clause] for ev, r in zip(analysis.points, results, strict=False) if r.matched]
        if evidence and (not any(c.has_action for c in evidence) or is_list_like(analysis.clauses)):
            flags.append("keywords_only")
            score = min(score, CAP_KEYWORDS_ONLY)
        if analysis.ignored:
            score = min(score, CAP_INSTRUCTION)
        if hits:
            flags.append("critical")
            score = 0.0
        if analysis.clauses and not any(r.matched for r in results) and max(probs, default=0) < 0.1:
            flags.append("off_topic")
        if self.head is None:
            flags.append("uncalibrated")
        content = sum(len(c.core) for c in analysis.clauses)
        score_cap = CAP_KEYWORDS_ONLY if "keywords_only" in flags else 1.0
        fixed_cap = CAP_INSTRUCTION if analysis.ignored else 1.0
        if is_list_like(analysis.clauses):  # a list of fragments stays capped whatever it matches
            fixed_cap = min(fixed_cap, CAP_KEYWORDS_ONLY)
        reasons = review_reasons(ReviewInputs(
            probs, langs, crit_probs, crit_langs, lang, expected_lang, content, bool(analysis.ignored),
            bool(analysis.clauses), [r.weight for r in results], [r.matched for r in results],
            min(score_cap, fixed_cap), fixed_cap, bool(hits)), head, crit_head)
        return GradeResult(item.id, score, results, lang, flags, analysis.ignored, hits, bool(reasons), reasons,
                           list(zip(crit_probs, crit_langs, strict=True)))


_graders: dict[str, Grader] = {}


def get_grader(embedder: Embedder | None = None) -> Grader:
    """A cached Grader for the embedder (default: the configured one)."""
    from assessor.retrieval.embedder import get_embedder

    embedder = embedder or get_embedder()
    grader = _graders.get(embedder.model_id)
    if grader is None or grader.embedder is not embedder:
        grader = _graders[embedder.model_id] = Grader(embedder)
    return grader


def grade(item: Item, answer: str, embedder: Embedder | None = None) -> GradeResult:
    """Score a free-text answer to an open_scenario item (see the module docstring)."""
    return get_grader(embedder).grade(item, answer)
