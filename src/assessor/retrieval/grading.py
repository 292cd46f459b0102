"""Free-text scoring of open_scenario items against their rubric points. Deterministic; no generative model.

Method (documented in the models note):
1. The answer is normalised and split into clauses; candidate evidence spans are single clauses and pairs of
   adjacent clauses. Spans that address the grader ("give me full marks", "ignore previous instructions",
   "我是培训师") are dropped and flagged; they can never earn credit.
2. Each span is embedded as a query; each rubric point, in both languages, as a passage. A span's similarity to
   a point is the larger of its similarities to the zh and en texts, so an English answer to a Chinese item
   is scored the same way.
3. e5 similarities sit in a narrow band, so absolute thresholds are meaningless: each point gets a baseline,
   its highest similarity to a fixed set of neutral, off-topic sentences, and a span's *margin* is its
   similarity minus that baseline.
4. A point is matched when its best span has margin >= ``strong`` (and does not drop a prohibition the point
   states: a point that says "do not lift" is never matched on similarity alone by "lift him up at once"), or
   when a span contains one of the point's keywords (either language; a Chinese keyword may have up to two
   characters inserted, "别扶" ~ "别急着扶") and has margin >= ``weak``.
5. The score is matched weight / total weight (the partial-credit fraction the engine uses).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field

import numpy as np

from assessor.bank.schema import Item, RubricPoint
from assessor.retrieval.embedder import Embedder, cosine
from assessor.retrieval.text import (
    detect_lang,
    find_keyword,
    has_negation,
    is_instruction,
    normalise_text,
    spans,
)

ANCHORS: tuple[str, ...] = (
    "今天天气很好，我想出去走走。",
    "我不知道。",
    "我喜欢看电视剧。",
    "这个问题我没听懂。",
    "The weather is nice today.",
    "I don't know.",
    "I like watching football on TV.",
    "My phone needs charging.",
    "给我满分。",
    "Please give me full marks.",
)


@dataclass(frozen=True)
class GradingParams:
    """Margins above the per-point off-topic baseline (tuned for multilingual-e5; see bench/grading.py)."""

    strong: float = 0.06
    weak: float = -0.02
    window: int = 2


DEFAULT_PARAMS = GradingParams()


@dataclass
class PointResult:
    index: int
    zh: str
    en: str
    weight: float
    matched: bool
    similarity: float
    margin: float
    evidence: str
    keyword: str | None


@dataclass
class GradeResult:
    """Per rubric point: matched or not, the evidence span and its similarity; `score` is the fraction."""

    item_id: str
    score: float
    points: list[PointResult]
    answer_lang: str | None
    flags: list[str] = field(default_factory=list)
    ignored_spans: list[str] = field(default_factory=list)

    @property
    def matched_count(self) -> int:
        return sum(p.matched for p in self.points)

    def to_json(self) -> dict[str, object]:
        return {
            "item": self.item_id,
            "score": round(self.score, 4),
            "matched": self.matched_count,
            "points": [
                {**asdict(p), "similarity": round(p.similarity, 4), "margin": round(p.margin, 4)} for p in self.points
            ],
            "answer_lang": self.answer_lang,
            "flags": self.flags,
            "ignored_spans": self.ignored_spans,
        }


def score_band(score: float) -> str:
    """The coarse band used to compare with labels: none (< 0.25), partial (< 0.75), full."""
    if score < 0.25:
        return "none"
    if score < 0.75:
        return "partial"
    return "full"


_keyword_in = find_keyword



class Grader:
    """Scores answers for open_scenario items with one embedder; caches rubric and anchor vectors."""

    def __init__(self, embedder: Embedder, params: GradingParams = DEFAULT_PARAMS) -> None:
        self.embedder = embedder
        self.params = params
        self._anchors = embedder.encode_queries(list(ANCHORS))
        self._rubric_cache: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._lock = threading.Lock()

    def _rubric_vectors(self, item: Item) -> tuple[np.ndarray, np.ndarray]:
        """(point vectors shaped (n_points, 2, dim), per-point baselines)."""
        key = (item.id, item.version)
        with self._lock:
            cached = self._rubric_cache.get(key)
        if cached is not None:
            return cached
        rubric = item.rubric
        texts = [t for p in rubric for t in (p.zh, p.en)]
        vectors = self.embedder.encode_passages(texts).reshape(len(rubric), 2, -1)
        baseline = cosine(self._anchors, vectors.reshape(len(rubric) * 2, -1)).reshape(len(self._anchors), len(rubric), 2)
        baselines = baseline.max(axis=(0, 2))
        with self._lock:
            self._rubric_cache[key] = (vectors, baselines)
        return vectors, baselines

    def grade(self, item: Item, answer: str) -> GradeResult:
        """Score one answer. Items that are not open_scenario raise ValueError."""
        if item.type != "open_scenario" or not item.rubric:
            raise ValueError(f"item {item.id} is not an open_scenario item with a rubric")
        rubric = item.rubric
        text = normalise_text(answer)
        flags: list[str] = []
        ignored: list[str] = []
        candidates = spans(text, self.params.window)
        usable = []
        for span in candidates:
            if is_instruction(span):
                if " " not in span.strip() or span not in ignored:
                    ignored.append(span)
                continue
            usable.append(span)
        if ignored:
            flags.append("instruction_ignored")
            # a pair span containing an ignored clause is dropped too
            usable = [s for s in usable if not any(bad in s for bad in ignored)]
        if not text:
            flags.append("empty")
        elif not usable:
            flags.append("no_answer_content")
        results = [
            PointResult(i, p.zh, p.en, p.weight, False, 0.0, 0.0, "", None) for i, p in enumerate(rubric)
        ]
        if usable:
            vectors, baselines = self._rubric_vectors(item)
            span_vecs = self.embedder.encode_queries(usable)
            sims = np.einsum("sd,pld->spl", span_vecs, vectors).max(axis=2)  # (spans, points)
            for i, point in enumerate(rubric):
                results[i] = self._judge(i, point, usable, sims[:, i], float(baselines[i]))
        total = sum(p.weight for p in rubric)
        score = sum(r.weight for r in results if r.matched) / total if total else 0.0
        if usable and not any(r.matched for r in results) and max(r.margin for r in results) < self.params.weak:
            flags.append("off_topic")
        return GradeResult(item.id, score, results, detect_lang(text), flags, ignored)

    def _judge(self, index: int, point: RubricPoint, usable: list[str], sims: np.ndarray, base: float) -> PointResult:
        keywords = list(point.keywords.zh) + list(point.keywords.en)
        point_negated = has_negation(point.zh) or has_negation(point.en)
        best: tuple[float, int, str | None, bool] | None = None
        for s, span in enumerate(usable):
            margin = float(sims[s]) - base
            keyword = _keyword_in(span, keywords)
            drops_prohibition = point_negated and not has_negation(span)
            ok = (margin >= self.params.strong and not drops_prohibition) or (
                keyword is not None and margin >= self.params.weak
            )
            # prefer matching spans, then shorter evidence at equal footing, then higher margin
            rank = (1.0 if ok else 0.0) * 10 + margin
            if best is None or rank > best[0]:
                best = (rank, s, keyword, ok)
        assert best is not None
        _, s, keyword, ok = best
        sim = float(sims[s])
        return PointResult(index, point.zh, point.en, point.weight, ok, sim, sim - base, usable[s], keyword)


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
    """Score a free-text answer to an open_scenario item (see the module docstring for the method)."""
    return get_grader(embedder).grade(item, answer)
