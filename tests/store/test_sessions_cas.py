"""Compare-and-swap on session state: stale writes are refused, also between real separate processes."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from assessor.store import StaleSession, Store

ROUNDS = 15


def _answer(store: Store, session_id: str, item_id: str, state: dict[str, Any],
            expected_version: int | None) -> None:
    store.record_answer(session_id, item_id=item_id, item_version=1, item_params={}, domain="cleaning", level=5,
                        item_type="single_choice", answer=["a"], score=1.0, category=1, correct=True, pilot=False,
                        theta={}, se={}, state=state, expected_version=expected_version)


def _session(store: Store) -> str:
    worker = store.get_or_create_worker("CAS-1")
    return store.create_session(worker, role="housekeeper", target_level=5, bank_version="v", engine_settings={},
                                state={"step": 0}).id


def test_every_state_write_bumps_the_version_and_stale_ones_are_refused(database_url: str) -> None:
    store = Store(database_url)
    session_id = _session(store)
    assert store.session_version(session_id) == 0
    assert store.save_state(session_id, {"step": 0, "lang": "en"}, language="en", expected_version=0) == 1
    _answer(store, session_id, "cln-0001", {"step": 1}, expected_version=1)
    assert store.session_version(session_id) == 2
    # a refresh that read version 1 (before the answer) must not write the pre-answer state back
    with pytest.raises(StaleSession) as error:
        store.save_state(session_id, {"step": 0}, expected_version=1)
    assert (error.value.expected, error.value.actual) == (1, 2)
    assert "version 2" in str(error.value)
    with pytest.raises(StaleSession):
        _answer(store, session_id, "cln-0001", {"step": 1}, expected_version=1)
    with pytest.raises(StaleSession):
        store.finish_session(session_id, results={}, level_reached=None, ready=None, expected_version=0)
    row = store.get_session(session_id)
    assert row is not None and row.state == {"step": 1} and row.language == "en" and row.status == "active"
    assert len(store.responses(session_id)) == 1
    assert store.finish_session(session_id, results={"ok": 1}, level_reached=5, ready=True, expected_version=2) == 3
    # without an expected version a write still bumps the version (so others see it)
    assert store.save_state(session_id, {"step": 9}) == 4
    with pytest.raises(KeyError):
        store.save_state("no-such-session", {}, expected_version=0)


def _contender(url: str, session_id: str, barrier: Any, results: Any, name: str, mode: str) -> None:
    """One app process: every round, read the version, wait for the other process, then write."""
    store = Store(url)
    for round_ in range(ROUNDS):
        version = store.session_version(session_id)
        barrier.wait(timeout=60)
        try:
            if mode == "answer":
                _answer(store, session_id, f"item-{round_:02d}", {"round": round_, "by": name}, expected_version=version)
            else:  # a refresh / language switch writing back the state it read
                store.save_state(session_id, {"round": round_, "by": name, "refresh": True}, expected_version=version)
            results.put((round_, name, "ok", version + 1))
        except StaleSession:
            results.put((round_, name, "stale", version))
        barrier.wait(timeout=60)


def _race(database_url: str, modes: tuple[str, str]) -> tuple[Store, str, list[tuple[int, str, str, int]]]:
    store = Store(database_url)
    session_id = _session(store)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [context.Process(target=_contender, args=(database_url, session_id, barrier, results, f"p{n}", mode))
                 for n, mode in enumerate(modes)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * ROUNDS)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return store, session_id, outcomes


def test_two_processes_answering_the_same_question_store_exactly_one_response(database_url: str) -> None:
    store, session_id, outcomes = _race(database_url, ("answer", "answer"))
    for round_ in range(ROUNDS):
        kinds = sorted(kind for r, _name, kind, _v in outcomes if r == round_)
        assert kinds == ["ok", "stale"], f"round {round_}: {kinds}"
    responses = store.responses(session_id)
    assert [r.item_id for r in responses] == [f"item-{n:02d}" for n in range(ROUNDS)]
    assert [r.seq for r in responses] == list(range(1, ROUNDS + 1))
    assert store.session_version(session_id) == ROUNDS


def test_a_refresh_racing_an_answer_never_loses_the_answer(database_url: str) -> None:
    store, session_id, outcomes = _race(database_url, ("answer", "refresh"))
    answered = {r for r, name, kind, _v in outcomes if name == "p0" and kind == "ok"}
    for round_ in range(ROUNDS):
        assert sorted(kind for r, _n, kind, _v in outcomes if r == round_) == ["ok", "stale"]
    # every answer that was acknowledged is stored, and the state is the one of the last successful write
    assert {int(r.item_id.split("-")[1]) for r in store.responses(session_id)} == answered
    last = max((v, r, name) for r, name, kind, v in outcomes if kind == "ok")
    row = store.get_session(session_id)
    assert row is not None and row.version == last[0] == ROUNDS
    assert (row.state["round"], row.state["by"]) == (last[1], last[2])


def _talker(url: str, session_id: str, name: str, barrier: Any, count: int) -> None:
    store = Store(url)
    barrier.wait(timeout=60)
    for n in range(count):
        store.add_message(session_id, speaker="assessor", text=f"{name}-{n}")


def test_transcript_lines_from_two_processes_get_distinct_numbers(database_url: str) -> None:
    store = Store(database_url)
    session_id = _session(store)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [context.Process(target=_talker, args=(database_url, session_id, f"p{n}", barrier, 40))
                 for n in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    seqs = [m.seq for m in store.messages(session_id)]
    assert sorted(seqs) == list(range(1, 81))
