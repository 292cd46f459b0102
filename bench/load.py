"""Load: 30 simulated workers take a quiz at once through gradio_client; p50/p95 answer-to-next-question
latency, and a check in the store that every answer was stored.

    .venv/bin/python bench/load.py                      # starts its own server on 127.0.0.1 (hashing embedder)
    .venv/bin/python bench/load.py --workers 30 --max-items 12
    .venv/bin/python bench/load.py --url http://127.0.0.1:7860/ --data data   # a running server (loopback only)

Bounded: each worker stops after its session ends or --max-steps answers; the whole run after --timeout s.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import assessor  # noqa: E402,F401  (offline switches first)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data: Path, embedder: str, max_items: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "ASSESSOR_EMBEDDER": embedder, "ASSESSOR_MAX_ITEMS": str(max_items),
           "ASSESSOR_GENERATOR": "none"}
    command = [sys.executable, "-c", "import sys; from assessor.cli import main; sys.argv[0] = 'assessor'; main()",
               "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)]
    log = open(data / "server.log", "wb")  # noqa: SIM115  (kept open for the server's life)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited; see {data / 'server.log'}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("server did not start within 180 s")


def one_worker(url: str, index: int, role: str, level: int, max_steps: int) -> dict[str, Any]:
    from assessor.ui.drive import WorkerClient

    worker = WorkerClient(url, seed=index)
    screen = worker.run(f"load-{index:03d}", role=role, level=level, max_steps=max_steps)
    return {"session_id": screen.get("session_id"), "mode": screen.get("mode"), "answers": worker.answers,
            "latencies": worker.latencies}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=30)
    parser.add_argument("--max-items", type=int, default=30, help="questions per session (server setting)")
    parser.add_argument("--max-steps", type=int, default=60)
    parser.add_argument("--timeout", type=float, default=900.0, help="stop waiting after this many seconds")
    parser.add_argument("--embedder", default="hashing", help="embedder of the server this script starts")
    parser.add_argument("--url", help="a running server on this machine instead (then give --data)")
    parser.add_argument("--data", type=Path, help="that server's data directory (to check the store)")
    args = parser.parse_args()

    from assessor.bank.load import load_bank
    from assessor.settings import load_settings
    from assessor.store import Store

    server = None
    if args.url:
        if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("load runs only against this machine (127.0.0.1)")
        if args.data is None:
            raise SystemExit("--data is needed with --url (to check that every answer was stored)")
        url, data = args.url, args.data
    else:
        data = Path(tempfile.mkdtemp(prefix="assessor-load-"))
        began = time.perf_counter()
        server, url = start_server(data, args.embedder, args.max_items)
        print(f"server up at {url} in {time.perf_counter() - began:.1f} s (data {data})")
    try:
        settings = load_settings(data_dir=data)
        bank = load_bank(settings.bank_dir)
        plan = [(r.id, max(r.levels)) for r in bank.roles.values()]  # each role at its entry level (5 = lowest)
        began = time.perf_counter()
        results: list[dict[str, Any]] = []
        errors: list[str] = []
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            futures = [pool.submit(one_worker, url, i, *plan[i % len(plan)], args.max_steps)
                       for i in range(args.workers)]
            try:
                for future in as_completed(futures, timeout=args.timeout):
                    try:
                        results.append(future.result())
                    except Exception as error:  # counted and reported, the run goes on
                        errors.append(f"{type(error).__name__}: {error}")
            except TimeoutError:
                errors.append(f"timed out after {args.timeout:.0f} s")
                for future in futures:
                    future.cancel()
        wall = time.perf_counter() - began
        latencies = [x for r in results for x in r["latencies"]]
        answers = sum(r["answers"] for r in results)
        store = Store(settings.resolved_database_url)
        stored = sum(len(store.responses(r["session_id"])) for r in results if r["session_id"])
        finished = sum(1 for r in results if r["mode"] == "result")
        print(f"workers: {args.workers} at once, {finished} finished, {len(errors)} errors; wall {wall:.1f} s")
        print(f"answers: {answers} sent, {stored} stored ({'all stored' if stored == answers else 'MISMATCH'})")
        if latencies:
            print(f"answer -> next question latency: p50 {percentile(latencies, 50) * 1000:.0f} ms, "
                  f"p95 {percentile(latencies, 95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
                  f"mean {statistics.mean(latencies) * 1000:.0f} ms")
            print(f"throughput: {answers / wall:.1f} answers/s")
        for error in errors[:5]:
            print("error:", error)
        return 0 if stored == answers and not errors and finished == args.workers else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    raise SystemExit(main())
