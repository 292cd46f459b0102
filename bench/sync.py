"""Sync: a centre with many finished sessions exports a signed bundle; the hub verifies and imports it twice.

    .venv/bin/python bench/sync.py                                  # 200 sessions x 30 answers, hub on SQLite
    .venv/bin/python bench/sync.py --sessions 1000 --hub postgresql+psycopg://postgres@127.0.0.1:55432/x

Prints bundle size, export / verify / import times and rows per second; the second import must add nothing.
Everything stays in a temporary folder (and, with --hub, in the database given: use an empty one).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import ROOT  # noqa: F401  (puts src/ on the path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--answers", type=int, default=30, help="answers (and 2 messages each) per session")
    parser.add_argument("--hub", help="hub database URL (default: SQLite in the temporary folder)")
    args = parser.parse_args()

    from assessor.store import Store
    from assessor.sync import (
        export_tables,
        import_bundle,
        init_centre,
        read_bundle,
        trust,
        trusted,
        write_bundle,
    )

    folder = Path(tempfile.mkdtemp(prefix="assessor-sync-"))
    centre = Store(f"sqlite:///{folder / 'centre.sqlite'}")
    key = init_centre(folder / "centre", "Bench-1")
    began = time.perf_counter()
    for s in range(args.sessions):
        worker = centre.get_or_create_worker(f"W{s:05d}", centre="Bench-1")
        session = centre.create_session(worker, role="housekeeper", target_level=5, bank_version="bench",
                                        engine_settings={"max_items": args.answers}, state={"engine": {}})
        for n in range(args.answers):
            centre.record_answer(session.id, item_id=f"cln-{n:04d}", item_version=1, item_params={"a": 1.0, "b": 0.0},
                                 domain="cleaning", level=5, item_type="single_choice", answer=["a"], score=1.0,
                                 category=1, correct=True, pilot=False, theta={"cleaning": 0.1 * n},
                                 se={"cleaning": 0.5}, state={"engine": {"n": n}}, seconds=9.0)
            centre.add_message(session.id, speaker="assessor", text=f"题目 {n}", kind="question")
            centre.add_message(session.id, speaker="worker", text="A", source="worker", kind="answer")
        centre.finish_session(session.id, results={"level": 5}, level_reached=5, ready=True)
    print(f"centre: {args.sessions} sessions x {args.answers} answers made in {time.perf_counter() - began:.1f} s")

    bundle = folder / "bench.bundle"
    began = time.perf_counter()
    tables = export_tables(centre, "Bench-1")
    write_bundle(bundle, key, tables)
    export_s = time.perf_counter() - began
    rows = sum(len(v) for v in tables.values())
    print(f"export: {rows} rows, bundle {bundle.stat().st_size / 1e6:.1f} MB, {export_s:.2f} s "
          f"({rows / export_s:.0f} rows/s)")

    trust(folder / "hub", folder / "centre" / "centre.pub")
    hub = Store(args.hub or f"sqlite:///{folder / 'hub.sqlite'}")
    began = time.perf_counter()
    verified = read_bundle(bundle, trusted(folder / "hub"))
    verify_s = time.perf_counter() - began
    began = time.perf_counter()
    first = import_bundle(hub, verified)
    import_s = time.perf_counter() - began
    began = time.perf_counter()
    second = import_bundle(hub, read_bundle(bundle, trusted(folder / "hub")))
    again_s = time.perf_counter() - began
    print(f"verify (signature + SHA-256 + parse): {verify_s:.2f} s")
    print(f"import into {hub.engine.dialect.name}: {sum(first.added.values())} rows added in {import_s:.2f} s "
          f"({rows / import_s:.0f} rows/s); again: {sum(second.added.values())} added, "
          f"{sum(second.unchanged.values())} already there, {len(second.conflicts)} conflicts, {again_s:.2f} s")
    ok = sum(first.added.values()) == rows and sum(second.added.values()) == 0 and not second.conflicts
    print("idempotent: yes" if ok else "idempotent: NO")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
