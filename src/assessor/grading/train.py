"""Fitting the matcher from the labelled corpus, item-level cross-validation, and threshold tuning.

- `fit_head`: pair features of every (answer, point) → the point head; (answer, critical error) → the critical
  head (when the corpus has committed critical errors). Reviews count twice (a trainer's confirmed decision).
- `cross_validate`: leave-items-out folds; every answer is graded by a head that never saw its item, through the
  same `Grader.grade` code path the app uses.
- `tune_thresholds`: per language, the point threshold maximising point-level accuracy on out-of-fold
  probabilities; then the widest review band around it that keeps abstentions ≤ `max_abstain`.
Embeddings are cached on disk (never committed) so experiments do not re-embed.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from assessor.bank.load import Bank
from assessor.grading.corpus import Example
from assessor.grading.matcher import HeadFile, LogisticHead, fit_logistic
from assessor.grading.scorer import Grader, GradeResult, clean_answer
from assessor.retrieval.embedder import Embedder


class CachedEmbedder:
    """Wraps an embedder and keeps every vector in a pickle file (per model id), read once and saved on demand."""

    def __init__(self, inner: Embedder, folder: Path) -> None:
        self.inner = inner
        self.model_id: str = inner.model_id
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"grading-{hashlib.sha1(self.model_id.encode()).hexdigest()[:12]}.pkl"
        self._store: dict[tuple[bool, str], np.ndarray] = {}
        if self.path.exists():
            try:
                self._store = pickle.loads(self.path.read_bytes())
            except Exception:  # a damaged cache is rebuilt
                self._store = {}
        self._dirty = False
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if (query, t) not in self._store))
            if missing:
                fn = self.inner.encode_queries if query else self.inner.encode_passages
                for t, v in zip(missing, fn(missing), strict=True):
                    self._store[(query, t)] = np.asarray(v, dtype=np.float32)
                self._dirty = True
            if not texts:
                return np.zeros((0, 384), dtype=np.float32)
            return np.stack([self._store[(query, t)] for t in texts])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def save(self) -> None:
        if self._dirty:
            self.path.write_bytes(pickle.dumps(self._store))
            self._dirty = False


@dataclass
class PairData:
    """Pair features and labels of a set of examples."""

    x_point: np.ndarray
    y_point: np.ndarray
    w_point: np.ndarray
    x_crit: np.ndarray
    y_crit: np.ndarray


def pair_data(grader: Grader, bank: Bank, examples: Sequence[Example]) -> PairData:
    """Features of every (answer, point) and (answer, critical error) pair with its label."""
    xp, yp, wp, xc, yc = [], [], [], [], []
    for ex in examples:
        item = bank.items[ex.item]
        text, _ = clean_answer(ex.text)
        analysis = grader.analyse(item, text)
        weight = 2.0 if ex.source == "review" else 1.0
        for i, ev in enumerate(analysis.points):
            xp.append(ev.features)
            yp.append(float(ex.said[i]))
            wp.append(weight)
        for i, ev in enumerate(analysis.critical):
            xc.append(ev.features)
            yc.append(float(i in ex.critical))
    d = len(grader_features())
    return PairData(np.array(xp).reshape(-1, d), np.array(yp), np.array(wp), np.array(xc).reshape(-1, d),
                    np.array(yc))


def grader_features() -> tuple[str, ...]:
    from assessor.grading.features import FEATURES

    return FEATURES


def fit_head(grader: Grader, bank: Bank, examples: Sequence[Example], l2: float = 1.0,
             base: HeadFile | None = None) -> HeadFile:
    """Fit point and critical heads on the examples; thresholds and bands are kept from `base` when given."""
    data = pair_data(grader, bank, examples)
    point = fit_logistic(data.x_point, data.y_point, l2=l2, sample_weight=data.w_point)
    critical: LogisticHead | None = None
    if data.y_crit.size and 3 <= data.y_crit.sum() < len(data.y_crit):
        critical = fit_logistic(data.x_crit, data.y_crit, l2=l2 * 3)
    if base is not None:
        point = replace(point, threshold=dict(base.point.threshold), review_low=base.point.review_low,
                        review_high=base.point.review_high)
        if critical is not None and base.critical is not None:
            critical = replace(critical, threshold=dict(base.critical.threshold),
                               review_low=base.critical.review_low, review_high=base.critical.review_high)
    return HeadFile(grader.embedder.model_id, point, critical,
                    {"answers": len(examples), "point_pairs": int(len(data.y_point)),
                     "point_positives": int(data.y_point.sum()), "critical_pairs": int(len(data.y_crit)),
                     "critical_positives": int(data.y_crit.sum())})


def item_folds(examples: Sequence[Example], k: int) -> list[set[str]]:
    """k groups of items (sorted, round-robin by descending answer count) for leave-items-out CV."""
    counts: dict[str, int] = {}
    for ex in examples:
        counts[ex.item] = counts.get(ex.item, 0) + 1
    folds: list[set[str]] = [set() for _ in range(max(2, min(k, len(counts))))]
    for n, item in enumerate(sorted(counts, key=lambda i: (-counts[i], i))):
        folds[n % len(folds)].add(item)
    return folds


@dataclass
class Graded:
    """One example and the grade a head that never saw its item gave it."""

    example: Example
    result: GradeResult
    point_probs: list[float] = field(default_factory=list)


def cross_validate(embedder: Embedder, bank: Bank, examples: Sequence[Example], k: int = 5, l2: float = 1.0,
                   base: HeadFile | None = None) -> list[Graded]:
    """Grade every example with a head fitted on the other folds' items (same code path as the app)."""
    plain = Grader(embedder, head=None)
    out: list[Graded] = []
    for fold in item_folds(examples, k):
        train = [e for e in examples if e.item not in fold]
        head = fit_head(plain, bank, train, l2=l2, base=base)
        grader = Grader(embedder, head=head)
        for ex in examples:
            if ex.item in fold:
                result = grader.grade(bank.items[ex.item], ex.text)
                out.append(Graded(ex, result, [p.probability for p in result.points]))
    return out


def _accuracy(probs: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    return float(((probs >= threshold) == labels).mean()) if len(labels) else 0.0


def tune_thresholds(graded: Sequence[Graded], head: HeadFile, max_abstain: float = 0.18) -> HeadFile:
    """Per-language point thresholds and the review band from out-of-fold results (see the module docstring)."""
    point = head.point
    thresholds = dict(point.threshold)
    for lang in ("zh", "en"):
        rows = [g for g in graded if g.example.lang == lang]
        probs = np.array([p for g in rows for p in g.point_probs])
        labels = np.array([s for g in rows for s in g.example.said], dtype=bool)
        if len(labels) >= 20:
            grid = np.round(np.arange(0.2, 0.81, 0.02), 2)
            thresholds[lang] = float(max(grid, key=lambda t: (_accuracy(probs, labels, t), -abs(t - 0.5))))
    mid = float(np.mean(list(thresholds.values())))
    best = (0.0, 0.0)
    for half in np.arange(0.0, 0.41, 0.01):
        low, high = max(0.0, mid - half), min(1.0, mid + half)
        share = np.mean([any(low <= p <= high for p in g.point_probs) for g in graded]) if graded else 0.0
        if share <= max_abstain:
            best = (low, high)
    point = replace(point, threshold=thresholds, review_low=round(best[0], 3), review_high=round(best[1], 3))
    return replace(head, point=point)
