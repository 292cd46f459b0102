"""Load: simulated workers take a quiz at once through a lean httpx client (or gradio_client); p50/p95 answer-to-next-question
latency, server CPU per answer, and a check in the store that every acknowledged answer was stored.

    .venv/bin/python bench/load.py                      # starts its own server on 127.0.0.1 (hashing embedder)
    .venv/bin/python bench/load.py --workers 30 --max-items 12
    .venv/bin/python bench/load.py --workers 30 --think 5      # each reads ~5 s before answering (a real pace is 20 s)
    .venv/bin/python bench/load.py --client gradio              # gradio_client instead (~100 ms client CPU per answer)
    .venv/bin/python bench/load.py --processes 3 --workers 90 --database postgresql+psycopg://...  # N servers, one DB
    .venv/bin/python bench/load.py --processes 2 --kill-after 20   # kill -9 one server mid-run; its workers resume
    .venv/bin/python bench/load.py --url http://127.0.0.1:7860/ --data data   # a running server (loopback only)

With --processes N the script starts N `assessor serve` processes over one database (default: SQLite in a
temporary folder) and sends worker i to process i mod N, as a sticky proxy (nginx ip_hash) would.
With --kill-after S one process is killed with SIGKILL after S seconds; its workers reconnect to another
process and continue their session by id (as a browser's saved session does), and the store must hold every
answer a worker saw acknowledged.

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
import threading
import time
import urllib.request
from collections import Counter
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(data: Path, embedder: str, max_items: int,
                 database: str | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "ASSESSOR_EMBEDDER": embedder, "ASSESSOR_MAX_ITEMS": str(max_items),
           "ASSESSOR_GENERATOR": "none"}
    if database:
        env["ASSESSOR_DATABASE_URL"] = database
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


def wait_quiet(pids: list[int], *, limit: float = 120.0, busy: float = 0.05) -> float:
    """Wait until the servers' background start-up work (e.g. a speech model loading) is done: less than `busy`
    CPU seconds in one second, or `limit` seconds passed. Returns the seconds waited. Server CPU per answer then
    counts the answers, not the warm-up."""
    began = time.perf_counter()
    last = sum(cpu_seconds(pid) for pid in pids)
    while time.perf_counter() - began < limit:
        time.sleep(1.0)
        now = sum(cpu_seconds(pid) for pid in pids)
        if now - last < busy:
            break
        last = now
    return time.perf_counter() - began


def lost_connection(error: BaseException) -> bool:
    """True when the server went away (refused or dropped connection, or gradio_client's job cancelled because
    its event stream closed), not when it was merely slow."""
    from concurrent.futures import CancelledError

    import httpx

    from assessor.ui.lean_client import StreamClosed

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, ConnectionError,
                             CancelledError, StreamClosed)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


CONNECTING = threading.Semaphore(4)  # a browser's page load is not what this bench measures: a few at a time


def connect(url: str, *, seed: int, client: str = "lean", tries: int = 4) -> Any:
    """A WorkerClient on `url` (the page load: config and API info), retried when the server was too busy;
    `client`: "lean" (ui/lean_client.py, plain httpx) or "gradio" (gradio_client)."""
    from assessor.ui.drive import WorkerClient
    from assessor.ui.lean_client import LeanClient

    for attempt in range(1, tries + 1):
        try:
            with CONNECTING:
                return WorkerClient(url, seed=seed, client=LeanClient(url) if client == "lean" else None)
        except Exception as error:
            if attempt == tries:
                raise RuntimeError(f"connecting: {type(error).__name__}: {error}") from error
            time.sleep(attempt)
    raise AssertionError("unreachable")


def one_worker(urls: list[str], index: int, role: str, level: int, max_steps: int,
               worker: Any = None, think: float = 0.0, client: str = "lean") -> dict[str, Any]:
    """One worker on process index mod N (`worker`: her page, already loaded); if that process dies, she
    resumes her session on the next one. Before each answer she reads for uniform(0.5, 1.5) × `think` seconds
    (not part of the measured latency). `client` as in `connect`."""
    import random

    reading = random.Random(index)
    home = index % len(urls)
    worker = worker or connect(urls[home], seed=index, client=client)
    answers, latencies, failovers = 0, list[float](), 0
    try:
        screen = worker.start(f"load-{index:03d}", role=role, level=level)
    except Exception as error:
        raise RuntimeError(f"starting the quiz: {type(error).__name__}: {error}") from error
    session_id = screen.get("session_id")
    steps = 0
    while screen.get("mode") == "quiz" and steps < max_steps:
        steps += 1
        if think > 0:
            time.sleep(reading.uniform(0.5 * think, 1.5 * think))
        try:
            screen = worker.answer(screen)
        except Exception as error:  # the process is gone: reconnect elsewhere and resume the session by its id
            if failovers >= len(urls) - 1 or not session_id or not lost_connection(error):
                raise RuntimeError(f"answering: {type(error).__name__}: {error}") from error
            failovers += 1
            answers, latencies = answers + worker.answers, latencies + worker.latencies
            worker = connect(urls[(home + failovers) % len(urls)], seed=index + 1000 * failovers, client=client)
            screen = worker.load({"lang": screen.get("lang", "zh"), "session_id": session_id})
    return {"session_id": session_id, "mode": screen.get("mode"), "answers": answers + worker.answers,
            "latencies": latencies + worker.latencies, "failovers": failovers}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=30)
    parser.add_argument("--max-items", type=int, default=30, help="questions per session (server setting)")
    parser.add_argument("--max-steps", type=int, default=60)
    parser.add_argument("--timeout", type=float, default=900.0, help="stop waiting after this many seconds")
    parser.add_argument("--embedder", default="hashing", help="embedder of the server this script starts")
    parser.add_argument("--url", help="a running server on this machine instead (then give --data)")
    parser.add_argument("--data", type=Path, help="that server's data directory (to check the store)")
    parser.add_argument("--processes", type=int, default=1, help="app processes to start over one database")
    parser.add_argument("--database", help="database URL for the started processes (default: SQLite in the "
                                           "temporary data folder)")
    parser.add_argument("--kill-after", type=float, default=None,
                        help="kill -9 the last process after this many seconds (needs --processes >= 2)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a worker reads before each answer (uniform 0.5-1.5 x); 0: answer at once")
    parser.add_argument("--client", choices=("lean", "gradio"), default="lean",
                        help="load client: plain httpx (lean, ~10x cheaper) or gradio_client")
    args = parser.parse_args()
    if args.processes < 1 or (args.kill_after is not None and args.processes < 2):
        raise SystemExit("--processes must be >= 1, and >= 2 with --kill-after")

    from assessor.bank.load import load_bank
    from assessor.settings import load_settings
    from assessor.store import Store

    servers: list[subprocess.Popen[bytes]] = []
    database = args.database
    if args.url:
        if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("load runs only against this machine (127.0.0.1)")
        if args.data is None:
            raise SystemExit("--data is needed with --url (to check that every answer was stored)")
        urls, data = [args.url], args.data
    else:
        data = Path(tempfile.mkdtemp(prefix="assessor-load-"))
        database = database or f"sqlite:///{data / 'assessor.sqlite'}"
        began = time.perf_counter()
        urls = []
        try:
            for n in range(args.processes):
                folder = data / f"server-{n}"
                folder.mkdir()
                server, url = start_server(folder, args.embedder, args.max_items, database)
                servers.append(server)
                urls.append(url)
        except BaseException:
            for server in servers:
                server.kill()
            raise
        print(f"{len(servers)} server(s) up in {time.perf_counter() - began:.1f} s over "
              f"{database.split('://')[0]} (data {data}); quiet after "
              f"{wait_quiet([server.pid for server in servers]):.0f} s more")
    try:
        settings = load_settings(data_dir=data)
        if database:
            settings = settings.model_copy(update={"database_url": database})
        bank = load_bank(settings.bank_dir)
        plan = [(r.id, max(r.levels)) for r in bank.roles.values()]  # each role at its entry level (5 = lowest)
        began = time.perf_counter()
        results: list[dict[str, Any]] = []
        errors: list[str] = []
        killed: list[float] = []
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            # the page loads first (Gradio's config and API description: not an answer's cost), then all at once
            clients: list[Any] = [None] * args.workers
            connecting = {pool.submit(connect, urls[i % len(urls)], seed=i, client=args.client): i for i in range(args.workers)}
            for future in as_completed(connecting):
                try:
                    clients[connecting[future]] = future.result()
                except Exception as error:  # that worker tries again in her own thread
                    print(f"page load {connecting[future]}: {error}")
            print(f"{args.workers} pages loaded in {time.perf_counter() - began:.1f} s")
            began = time.perf_counter()
            cpu_before = sum(cpu_seconds(server.pid) for server in servers)
            client_before = time.process_time()
            futures = [pool.submit(one_worker, urls, i, *plan[i % len(plan)], args.max_steps, clients[i], args.think,
                                   args.client)
                       for i in range(args.workers)]
            if args.kill_after is not None:
                def kill_last() -> None:
                    time.sleep(args.kill_after)
                    victim = servers[-1]
                    killed.append(cpu_seconds(victim.pid))  # its CPU so far still counts
                    victim.kill()
                    print(f"killed process {victim.pid} (SIGKILL) after {args.kill_after:.0f} s")

                threading.Thread(target=kill_last, daemon=True).start()
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
        client_cpu = time.process_time() - client_before
        cpu = sum(cpu_seconds(server.pid) for server in servers if server.poll() is None) + sum(killed) - cpu_before
        latencies = [x for r in results for x in r["latencies"]]
        answers = sum(r["answers"] for r in results)
        store = Store(settings.resolved_database_url)
        stored = sum(len(store.responses(r["session_id"])) for r in results if r["session_id"])
        finished = sum(1 for r in results if r["mode"] == "result")
        failovers = sum(r.get("failovers", 0) for r in results)
        print(f"workers: {args.workers} at once on {len(urls)} process(es), {finished} finished, "
              f"{failovers} moved to another process, {len(errors)} errors; wall {wall:.1f} s")
        verdict = "all stored" if stored == answers else ("MISMATCH" if stored < answers else
                                                          f"{stored - answers} in flight at the kill also stored")
        print(f"answers: {answers} acknowledged, {stored} stored ({verdict})")
        if servers and stored:
            print(f"server CPU: {cpu:.1f} s in all, {cpu / stored * 1000:.0f} ms per stored answer")
        print(f"load client CPU (this script, {args.client} client): {client_cpu:.1f} s in all, "
              f"{client_cpu / max(1, answers) * 1000:.0f} ms per answer, on the same cores")
        if latencies:
            print(f"answer -> next question latency: p50 {percentile(latencies, 50) * 1000:.0f} ms, "
                  f"p95 {percentile(latencies, 95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
                  f"mean {statistics.mean(latencies) * 1000:.0f} ms")
            print(f"throughput: {answers / wall:.1f} answers/s")
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        for message, count in Counter(errors).most_common(5):
            print(f"error ({count}x): {message}")
        return 0 if stored >= answers and not errors and finished == args.workers else 1
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    raise SystemExit(main())
