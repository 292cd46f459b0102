"""Free-text scoring against the labelled corpus (question_bank/grading/), zh and en separately.

Figures (targets from issue 9): band quadratic-weighted kappa on answers not sent for review (≥ 0.75 overall,
≥ 0.65 per language); dangerous or negated answers scored ≥ 0.5 (≤ 3 %); complete own-words answers scored
≥ 0.75 (≥ 80 %); abstentions (≤ 20 %); ms per answer with the model loaded (≤ 150 ms).

- default: item-level cross-validation on the non-held-out items (each answer graded by a head fitted without
  its item, thresholds from the packaged head);
- `--held-out`: also the held-out items of split.yaml, graded by the packaged head (never tuned on them);
- `--legacy`: the older bench/labelled/grading.jsonl rows (written by people who knew the keywords).

    .venv/bin/python bench/grading.py [--held-out] [--legacy] [--kinds] [--errors] [--folds 5] [--speed-only]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import LABELLED, ROOT

from assessor.bank.load import Bank, load_bank
from assessor.grading.corpus import Example, held_out_items, load_bench_rows, load_corpus
from assessor.grading.matcher import HeadFile
from assessor.grading.metrics import labelled_score, summary
from assessor.grading.scorer import Grader, GradeResult, score_band
from assessor.grading.train import CachedEmbedder, cross_validate
from assessor.retrieval.embedder import get_embedder
from assessor.settings import get_settings

TARGETS = {"band_qwk": (">=", 0.75), "unsafe_pass": ("<=", 0.03), "complete_full": (">=", 0.80),
           "abstain": ("<=", 0.20)}


@dataclass
class _Graded:
    example: Example
    result: GradeResult


def _fmt(value: float) -> str:
    return "  n/a" if math.isnan(value) else f"{value:.3f}"


def _check(name: str, value: float, lang: str | None) -> str:
    if name not in TARGETS or math.isnan(value):
        return ""
    op, target = TARGETS[name]
    if name == "band_qwk" and lang:
        target = 0.65
    ok = value >= target if op == ">=" else value <= target
    return "" if ok else " (MISSED)"


def report(title: str, bank: Bank, graded: Sequence[_Graded], kinds: bool) -> None:
    print(title)
    for lang in (None, "zh", "en"):
        sub = [g for g in graded if lang is None or g.example.lang == lang]
        if not sub:
            continue
        f = summary(bank, sub)
        print(f"  {lang or 'all':4} answers {int(f['answers']):4} (kept {int(f['kept'])})  "
              + "  ".join(f"{k} {_fmt(f[k])}{_check(k, f[k], lang)}" for k in
                          ("band_qwk", "band_accuracy", "point_accuracy", "unsafe_pass", "complete_full", "abstain")))
    if kinds:
        for kind in sorted({g.example.kind for g in graded}):
            sub = [g for g in graded if g.example.kind == kind]
            f = summary(bank, sub)
            mean = sum(g.result.score for g in sub) / len(sub)
            print(f"    kind {kind:28} n {len(sub):3}  mean score {mean:.2f}  band acc {_fmt(f['band_accuracy'])}  "
                  f"abstain {_fmt(f['abstain'])}")


def errors(bank: Bank, graded: Sequence[_Graded]) -> None:
    for g in graded:
        want = score_band(labelled_score(bank, g.example))
        got = score_band(g.result.score)
        if want != got and not g.result.needs_review:
            said = "".join("1" if s else "0" for s in g.example.said)
            matched = "".join("1" if p.matched else "0" for p in g.result.points)
            print(f"  {g.example.item} {g.example.kind:22} want {said} {want:7} got {matched} {got:7} "
                  f"crit {list(g.example.critical)}->{[c.index for c in g.result.critical]} {g.example.text[:60]!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / "question_bank" / "grading")
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--held-out", action="store_true", help="also report the held-out items (once, at the end)")
    parser.add_argument("--legacy", action="store_true", help="also the older bench/labelled/grading.jsonl")
    parser.add_argument("--kinds", action="store_true", help="figures per kind of answer")
    parser.add_argument("--errors", action="store_true", help="print band disagreements (non-held-out only)")
    parser.add_argument("--speed-only", action="store_true", help="only the ms per answer")
    args = parser.parse_args()
    bank = load_bank(get_settings().bank_dir)
    inner = get_embedder(args.embedder)
    embedder = CachedEmbedder(inner, get_settings().data_dir / "cache")
    head = HeadFile.load()
    corpus = load_corpus(args.corpus, bank)
    print(f"corpus: {len(corpus.examples)} labelled answers over {len(corpus.items())} non-held-out items; "
          f"skipped {corpus.skipped or 'none'}; head trained with {head.model_id} on {head.note}")
    if not args.speed_only:
        graded = [_Graded(g.example, g.result) for g in cross_validate(embedder, bank, corpus.examples,
                                                                       k=args.folds, base=head)]
        embedder.save()
        report(f"item-level cross-validation, {args.folds} folds (non-held-out items)", bank, graded, args.kinds)
        if args.errors:
            errors(bank, graded)
    if args.legacy:
        legacy = load_bench_rows(LABELLED / "grading.jsonl", bank, held_out_items(args.corpus))
        grader = Grader(embedder, head=head)
        report("legacy set (non-held-out items; packaged head)", bank,
               [_Graded(e, grader.grade(bank.items[e.item], e.text)) for e in legacy.examples], args.kinds)
    if args.held_out:
        held = load_corpus(args.corpus, bank, held_out=True)
        grader = Grader(embedder, head=head)
        report(f"held-out items ({len(held.items())} items, never tuned on; packaged head)", bank,
               [_Graded(e, grader.grade(bank.items[e.item], e.text)) for e in held.examples], args.kinds)
        embedder.save()
    # speed: the real embedder, no cache, one answer at a time
    sample = corpus.examples[:: max(1, len(corpus.examples) // 40)][:40]
    if sample:
        live = Grader(inner, head=head)
        for e in sample:  # rubric vectors are encoded once per item, when the app first grades it
            live.grade(bank.items[e.item], "热身 warm up")
        start = time.perf_counter()
        for e in sample:
            live.grade(bank.items[e.item], e.text)
        ms = 1000 * (time.perf_counter() - start) / len(sample)
        load = os.getloadavg()[0]
        print(f"speed: {ms:.0f} ms per answer over {len(sample)} answers (model loaded, rubric vectors cached; "
              f"load average {load:.1f} on {os.cpu_count()} cores)" + ("" if ms <= 150 else " (MISSED)"))


if __name__ == "__main__":
    main()
