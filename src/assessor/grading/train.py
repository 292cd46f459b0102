"""Fitting the matcher from the labelled corpus, item-level cross-validation, and threshold tuning.

- `fit_head`: pair features of every (answer, point) → the point head; (answer, critical error) → the critical
  head (when the corpus has committed critical errors). Reviews count twice (a trainer's confirmed decision).
- `cross_validate`: leave-items-out folds; every answer is graded by a head that never saw its item, through the
  same `Grader.grade` code path the app uses.
- `tune_thresholds`: per language, the point threshold with the best band agreement on out-of-fold
  results (dangerous or negated answers kept below 0.5), and the critical threshold; `tune_review_margins`: the
  review margins around them that give the best band agreement on the answers kept with abstentions ≤
  `max_abstain` (15 %, so that new items stay under 20 %), under the band-aware rule of review.py (an uncertain
  point only sends an answer to review when its flip could change the band).
Embeddings are cached on disk (never committed) so experiments do not re-embed.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assessor.bank.load import Bank
from assessor.grading.corpus import Example
from assessor.grading.matcher import HeadFile, LogisticHead, fit_logistic
from assessor.grading.scorer import CAP_INSTRUCTION, CAP_KEYWORDS_ONLY, Grader, GradeResult, clean_answer
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
        point = replace(point, threshold=dict(base.point.threshold), review_margin=base.point.review_margin)
        if critical is not None and base.critical is not None:
            critical = replace(critical, threshold=dict(base.critical.threshold),
                               review_margin=base.critical.review_margin)
    return HeadFile(grader.embedder.model_id, point, critical,
                    {"answers": len(examples), "point_pairs": int(len(data.y_point)),
                     "point_positives": int(data.y_point.sum()), "critical_pairs": int(len(data.y_crit)),
                     "critical_positives": int(data.y_crit.sum())})


def item_folds(examples: Sequence[Example], k: int) -> list[set[str]]:
    """k groups of items (round-robin by descending answer count) for leave-items-out CV; ValueError with
    fewer than two items."""
    counts: dict[str, int] = {}
    for ex in examples:
        counts[ex.item] = counts.get(ex.item, 0) + 1
    if len(counts) < 2 or k < 2:
        raise ValueError(f"leave-items-out cross-validation needs two folds and two items; got {len(counts)} item(s)")
    folds: list[set[str]] = [set() for _ in range(min(k, len(counts)))]
    for n, item in enumerate(sorted(counts, key=lambda i: (-counts[i], i))):
        folds[n % len(folds)].add(item)
    return folds


@dataclass
class Graded:
    """One example and the grade a head that never saw its item gave it."""

    example: Example
    result: GradeResult


def cross_validate(embedder: Embedder, bank: Bank, examples: Sequence[Example], k: int = 5, l2: float = 1.0,
                   base: HeadFile | None = None) -> list[Graded]:
    """Grade every example with a head fitted on the other folds' items (same code path as the app)."""
    plain = Grader(embedder, packaged=False)
    out: list[Graded] = []
    for fold in item_folds(examples, k):
        train = [e for e in examples if e.item not in fold]
        head = fit_head(plain, bank, train, l2=l2, base=base)
        grader = Grader(embedder, head=head, packaged=False)
        for ex in examples:
            if ex.item in fold:
                out.append(Graded(ex, grader.grade(bank.items[ex.item], ex.text)))
    return out


def _best_threshold(probs: np.ndarray, labels: np.ndarray, false_positive_cost: float = 1.0) -> float:
    """The threshold on a grid (0.2..0.8) with the lowest cost (misses + cost × false alarms); ties → nearer 0.5."""
    grid = np.round(np.arange(0.2, 0.81, 0.02), 2)

    def cost(t: float) -> float:
        said = probs >= t
        return float((~said & labels).sum() + false_positive_cost * (said & ~labels).sum())

    return float(min(grid, key=lambda t: (cost(t), abs(t - 0.5))))


def _rescore(g: Graded, thresholds: dict[str, float]) -> float:
    """The score `g` would get with other point thresholds (same critical errors and caps)."""
    r = g.result
    if r.critical:
        return 0.0
    weights = [p.weight for p in r.points]
    said = [p.probability >= thresholds.get(p.lang, 0.5) for p in r.points]
    score = sum(w for w, s in zip(weights, said, strict=True) if s) / sum(weights)
    if "keywords_only" in r.flags or r.ignored_spans:
        score = min(score, 0.5)
    return score


def tune_thresholds(bank: Bank, graded: Sequence[Graded], head: HeadFile, max_unsafe: float = 0.03) -> HeadFile:
    """Per-language point thresholds that maximise band agreement (quadratic kappa) over all answers while at
    most `max_unsafe` of dangerous or negated answers reach 0.5 (ties: nearer 0.5); one critical threshold (a
    false alarm, which zeroes a good answer, costs twice a miss). From out-of-fold results."""
    from assessor.grading.metrics import UNSAFE_KINDS, labelled_score, quadratic_kappa
    from assessor.grading.scorer import score_band

    point = head.point
    gold = [score_band(labelled_score(bank, g.example)) for g in graded]
    unsafe = [i for i, g in enumerate(graded) if g.example.kind in UNSAFE_KINDS or g.example.critical]
    grid = [round(float(t), 2) for t in np.arange(0.3, 0.71, 0.02)]
    best: tuple[float, float, dict[str, float]] = (-2.0, 0.0, dict(point.threshold))
    for tz in grid:
        for te in grid:
            thresholds = {"zh": tz, "en": te}
            scores = [_rescore(g, thresholds) for g in graded]
            if unsafe and np.mean([scores[i] >= 0.5 for i in unsafe]) > max_unsafe:
                continue
            kappa = quadratic_kappa(gold, [score_band(s) for s in scores])
            closeness = -abs(tz - 0.5) - abs(te - 0.5)
            if (kappa, closeness) > best[:2]:
                best = (kappa, closeness, thresholds)
    critical = head.critical
    crit_pairs = [(p, i in g.example.critical) for g in graded
                  for i, (p, _) in enumerate(g.result.critical_probabilities)]
    if critical is not None and sum(s for _, s in crit_pairs) >= 3:
        t = _best_threshold(np.array([p for p, _ in crit_pairs]), np.array([s for _, s in crit_pairs]), 2.0)
        critical = replace(critical, threshold={"zh": t, "en": t})
    return replace(head, point=replace(point, threshold=best[2]), critical=critical)


def _abstains(g: Graded, point: LogisticHead, critical: LogisticHead | None, point_margin: float,
              critical_margin: float) -> bool:
    """Whether `g` would be sent for review with these margins (the band-aware rule of review.py; the keyword
    cap is taken from the result's flags)."""
    from assessor.grading.review import ReviewInputs, band_can_change

    r = g.result
    if any(not x.startswith("uncertain_") for x in r.review_reasons):
        return True
    unsure = [abs(p.probability - point.threshold.get(p.lang, 0.5)) < point_margin for p in r.points]
    unsure_critical = critical is not None and any(abs(p - critical.threshold.get(lang, 0.5)) < critical_margin
                                                   for p, lang in r.critical_probabilities)
    if not any(unsure) and not unsure_critical:
        return False
    fixed = CAP_INSTRUCTION if r.ignored_spans else 1.0
    inputs = ReviewInputs([], [], [], [], None, None, 0, False, True, [p.weight for p in r.points],
                          [p.matched for p in r.points],
                          min(CAP_KEYWORDS_ONLY if "keywords_only" in r.flags else 1.0, fixed), fixed, bool(r.critical))
    return (any(unsure) and band_can_change(inputs, unsure, False)) or (
        unsure_critical and band_can_change(inputs, [False] * len(unsure), True))


def tune_review_margins(bank: Bank, graded: Sequence[Graded], head: HeadFile, max_abstain: float = 0.15) -> HeadFile:
    """The review margins (point, critical) that maximise band agreement (quadratic kappa) on the answers kept,
    with at most `max_abstain` of answers sent for review. `graded` must come from heads with these thresholds."""
    from assessor.grading.metrics import labelled_score, quadratic_kappa
    from assessor.grading.scorer import score_band

    gold = [score_band(labelled_score(bank, g.example)) for g in graded]
    pred = [score_band(g.result.score) for g in graded]
    best: tuple[float, float, float] = (-2.0, 0.0, 0.0)
    for pm in np.round(np.arange(0.0, 0.31, 0.02), 2):
        for cm in np.round(np.arange(0.0, 0.31, 0.05), 2):
            out = [_abstains(g, head.point, head.critical, pm, cm) for g in graded]
            if np.mean(out) > max_abstain:
                continue
            kept = [i for i, o in enumerate(out) if not o]
            kappa = quadratic_kappa([gold[i] for i in kept], [pred[i] for i in kept])
            if kappa > best[0] + 1e-9:
                best = (kappa, float(pm), float(cm))
    critical = replace(head.critical, review_margin=best[2]) if head.critical is not None else None
    return replace(head, point=replace(head.point, review_margin=best[1]), critical=critical)
