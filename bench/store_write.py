"""Store write capacity: P processes record answers (compare-and-swap, one transaction each) as fast as they can.

    .venv/bin/python bench/store_write.py                         # SQLite in a temporary folder, 1 and 3 processes
    .venv/bin/python bench/store_write.py --database postgresql+psycopg://postgres@127.0.0.1:55432/bench

Prints answers per second and the p50/p95 time of one `record_answer` for each process count: the ceiling the
database puts under N app processes (the app itself spends far more per answer; see bench/load.py).
Use an empty PostgreSQL database: the bench adds sessions to it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT  # noqa: F401  (puts src/ on the path)


def _writer(url: str, seconds: float, name: str, out: Any) -> None:
    from assessor.store import Store

    store = Store(url)
    worker = store.get_or_create_worker(name)
    session = store.create_session(worker, role="housekeeper", target_level=5, bank_version="bench",
                                   engine_settings={}, state={"engine": {"n": 0}})
    version, n, times = 0, 0, []
    state = {"engine": {"theta": [0.1] * 10, "responses": [{"item": f"cln-{i:04d}", "score": 1} for i in range(30)]}}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        n += 1
        began = time.perf_counter()
        store.record_answer(session.id, item_id=f"cln-{n:04d}", item_version=1, item_params={"a": 1.0, "b": 0.2},
                            domain="cleaning", level=5, item_type="single_choice", answer=["a"], score=1.0,
                            category=1, correct=True, pilot=False, theta={"cleaning": 0.3}, se={"cleaning": 0.6},
                            state=state, seconds=8.0, expected_version=version)
        version += 1
        times.append(time.perf_counter() - began)
    out.put(times)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='assessor-write-')) / 'bench.sqlite'}"
    from assessor.store import Store

    Store(url)  # migrate once, before the writers start
    context = multiprocessing.get_context("spawn")
    for count in args.processes:
        out = context.Queue()
        workers = [context.Process(target=_writer, args=(url, args.seconds, f"bench-{count}-{n}", out))
                   for n in range(count)]
        for process in workers:
            process.start()
        times = [t for _ in workers for t in out.get(timeout=args.seconds + 120)]
        for process in workers:
            process.join()
        print(f"{url.split('://')[0]}, {count} process(es): {len(times) / args.seconds:.0f} answers/s, "
              f"record_answer p50 {_percentile(times, 50) * 1000:.1f} ms, p95 {_percentile(times, 95) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
