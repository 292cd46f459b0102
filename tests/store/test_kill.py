"""kill -9 of an app process mid-write: every acknowledged answer is stored, none half-stored, the session goes on."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Any

from assessor.store import Store


def _answer_forever(url: str, session_id: str, acknowledged: Any) -> None:
    store = Store(url)
    seq = 0
    while True:
        version = store.session_version(session_id)
        seq += 1
        store.record_answer(session_id, item_id=f"item-{seq:04d}", item_version=1, item_params={}, domain="cleaning",
                            level=5, item_type="single_choice", answer=["a"], score=1.0, category=1, correct=True,
                            pilot=False, theta={}, se={}, state={"answered": seq}, expected_version=version)
        acknowledged.put(seq)  # the worker's screen would now show the next question


def test_an_answering_process_killed_with_sigkill_loses_no_acknowledged_answer(database_url: str) -> None:
    store = Store(database_url)
    worker = store.get_or_create_worker("K-1")
    session_id = store.create_session(worker, role="housekeeper", target_level=5, bank_version="v",
                                      engine_settings={}, state={"answered": 0}).id
    context = multiprocessing.get_context("spawn")
    acknowledged = context.Queue()
    process = context.Process(target=_answer_forever, args=(database_url, session_id, acknowledged))
    process.start()
    first = acknowledged.get(timeout=60)  # it is answering
    time.sleep(0.5)
    assert process.pid is not None
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=30)
    assert process.exitcode == -signal.SIGKILL
    seen = [first]
    while not acknowledged.empty():
        seen.append(acknowledged.get(timeout=5))
    last_acknowledged = max(seen)
    assert last_acknowledged >= 3

    responses = Store(database_url).responses(session_id)
    seqs = [r.seq for r in responses]
    assert seqs == list(range(1, len(seqs) + 1))  # nothing half-stored, no gap
    assert len(seqs) >= last_acknowledged  # every acknowledged answer (one more may have committed unacknowledged)
    row = Store(database_url).get_session(session_id)
    assert row is not None and row.state == {"answered": len(seqs)} and row.version == len(seqs)
    # another process takes the session over where it stopped
    after = Store(database_url)
    after.record_answer(session_id, item_id="item-next", item_version=1, item_params={}, domain="cleaning", level=5,
                        item_type="single_choice", answer=["a"], score=1.0, category=1, correct=True, pilot=False,
                        theta={}, se={}, state={"answered": len(seqs) + 1}, expected_version=row.version)
    assert [r.seq for r in after.responses(session_id)][-1] == len(seqs) + 1
