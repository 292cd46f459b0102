"""The dialogue over compare-and-swap: two app processes (two Assessment objects, separate locks) on one session."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from assessor.bank.load import Bank, load_bank
from assessor.dialogue import Assessment, InputProblem
from assessor.lm.service import LMService
from assessor.retrieval.embedder import get_embedder
from assessor.services import Models
from assessor.store import Store
from tests.helpers import right_response


def _process(bank: Bank, url: str) -> Assessment:
    """What one app process holds: its own Assessment (and per-session locks) over the shared database."""
    embedder = get_embedder("hashing")
    lm = LMService(generator=None, embedder=embedder)
    return Assessment(bank, Store(url), models=Models(bank, embedder_name="hashing", lm=lm))


def _right(bank: Bank, item_id: str) -> object:
    return right_response(bank.items[item_id], "不要扶他起来，马上打120，通知家属")


def test_the_same_question_answered_in_two_processes_is_stored_once(
        tiny_bank: Bank, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = _process(tiny_bank, database_url), _process(tiny_bank, database_url)
    turn = one.start("CAS-D1", role="housekeeper", level=5, lang="zh", seed=3)
    assert turn.question is not None
    item_id = turn.question.item_id
    shown_in_two = two.resume(turn.resume_code)  # the same worker's other tab, served by the other process
    assert shown_in_two.question is not None and shown_in_two.question.item_id == item_id
    read_by_two = two.store.get_session(turn.session_id)  # both read the session before either has written
    one.answer(turn.session_id, item_id, _right(tiny_bank, item_id))
    monkeypatch.setattr(two, "_row", lambda session_id: read_by_two)
    with pytest.raises(InputProblem) as problem:
        two.answer(turn.session_id, item_id, _right(tiny_bank, item_id))
    assert problem.value.key == "stale_question"
    assert [r.item_id for r in one.store.responses(turn.session_id)] == [item_id]


def test_a_refresh_that_read_before_an_answer_never_writes_the_old_state_back(
        tiny_bank: Bank, database_url: str) -> None:
    one, two = _process(tiny_bank, database_url), _process(tiny_bank, database_url)
    turn = one.start("CAS-D2", role="housekeeper", level=5, lang="zh", seed=4)
    assert turn.question is not None
    stale_row = two.store.get_session(turn.session_id)  # the refresh in process two reads the session ...
    assert stale_row is not None
    after = one.answer(turn.session_id, turn.question.item_id, _right(tiny_bank, turn.question.item_id))
    assert after.question is not None
    # ... and only then writes its state (language switch to English) based on what it read
    refreshed = two._advance(stale_row, two._state(stale_row), "en", announce=False)
    assert refreshed.question is not None and refreshed.question.item_id == after.question.item_id
    row = one.store.get_session(turn.session_id)
    assert row is not None
    assert [r.item_id for r in one.store.responses(turn.session_id)] == [turn.question.item_id]
    assert row.state["engine"]["pending_item_id"] == after.question.item_id
    assert len(row.state["engine"]["responses"]) == 1  # the answer is still in the engine state
    # the session goes on normally from either process
    again = two.current(turn.session_id, "en")
    assert again.question is not None and again.question.item_id == after.question.item_id


def test_stop_after_another_process_answered_keeps_that_answer(tiny_bank: Bank, database_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = _process(tiny_bank, database_url), _process(tiny_bank, database_url)
    turn = one.start("CAS-D3", role="housekeeper", level=5, lang="zh", seed=5)
    assert turn.question is not None
    read_by_two = two.store.get_session(turn.session_id)
    one.answer(turn.session_id, turn.question.item_id, _right(tiny_bank, turn.question.item_id))
    real_row = two._row
    reads = iter([read_by_two])
    monkeypatch.setattr(two, "_row", lambda session_id: next(reads, None) or real_row(session_id))
    ended = two.stop(turn.session_id)
    assert ended.result is not None
    row = one.store.get_session(turn.session_id)
    assert row is not None and row.status == "finished"
    assert len(row.state["engine"]["responses"]) == 1
    assert [r.item_id for r in one.store.responses(turn.session_id)] == [turn.question.item_id]


def _answer_in_process(url: str, session_id: str, item_id: str, barrier: Any, out: Any) -> None:
    """A separate app process: its own bank, models and Assessment; waits for the other, then answers."""
    from tests.conftest import TINY_BANK

    bank = load_bank(TINY_BANK)
    assessment = _process(bank, url)
    assessment.current(session_id)  # the page it serves shows the pending question
    barrier.wait(timeout=60)
    try:
        assessment.answer(session_id, item_id, _right(bank, item_id))
        out.put("stored")
    except InputProblem as problem:
        out.put(problem.key)


def test_two_processes_answering_at_once_store_one_answer_and_tell_the_other(
        tiny_bank: Bank, database_url: str) -> None:
    one = _process(tiny_bank, database_url)
    turn = one.start("CAS-D4", role="housekeeper", level=5, lang="zh", seed=6)
    assert turn.question is not None
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(2), context.Queue()
    processes = [context.Process(target=_answer_in_process,
                                 args=(database_url, turn.session_id, turn.question.item_id, barrier, out))
                 for _ in range(2)]
    for process in processes:
        process.start()
    outcomes = sorted(out.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert outcomes == ["stale_question", "stored"]
    assert [r.item_id for r in one.store.responses(turn.session_id)] == [turn.question.item_id]
