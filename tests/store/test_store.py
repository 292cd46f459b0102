from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from assessor.store import SessionFilter, Store, open_store
from assessor.store.migrations import current_revision, head_revision
from assessor.store.passwords import hash_password, verify_password


def _answer(store: Store, session_id: str, item_id: str, state: dict[str, object]) -> None:
    store.record_answer(session_id, item_id=item_id, item_version=1, item_params={"a": 1.0, "b": 0.0, "c": 0.2},
                        domain="cleaning", level=5, item_type="single_choice", answer=["a"], score=1.0, category=1,
                        correct=True, pilot=False, theta={"cleaning": 0.3}, se={"cleaning": 0.8}, state=state,
                        seconds=4.2)


def test_default_store_is_sqlite_in_wal_mode_in_the_data_dir(isolated_data_dir: Path) -> None:
    store = open_store()
    assert store.url == f"sqlite:///{isolated_data_dir / 'assessor.sqlite'}"
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert set(inspect(store.engine).get_table_names()) >= {"workers", "sessions", "responses", "messages", "trainers"}
    assert current_revision(store.engine) == head_revision()


def test_migrations_are_idempotent(database_url: str) -> None:
    Store(database_url)
    again = Store(database_url)
    assert current_revision(again.engine) == head_revision() == again.schema_revision


def test_answer_is_committed_with_the_state_and_survives_reopening(database_url: str) -> None:
    url = database_url
    store = Store(url)
    worker = store.get_or_create_worker("W-17", centre="Jinan", language="zh")
    session = store.create_session(worker, role="housekeeper", target_level=5, bank_version="abc",
                                   engine_settings={"max_items": 30}, state={"step": 0})
    _answer(store, session.id, "cln-0001", {"step": 1})
    _answer(store, session.id, "cln-0002", {"step": 2})
    store.add_message(session.id, speaker="assessor", text="题目", kind="question", item_id="cln-0002")
    reopened = Store(url)
    row = reopened.get_session_by_code(session.resume_code.lower())
    assert row is not None and row.state == {"step": 2}
    responses = reopened.responses(session.id)
    assert [r.seq for r in responses] == [1, 2]
    assert responses[0].item_params == {"a": 1.0, "b": 0.0, "c": 0.2}
    assert responses[1].theta == {"cleaning": 0.3}
    assert reopened.messages(session.id)[0].text == "题目"
    assert reopened.seen_item_ids(worker.id) == {"cln-0001", "cln-0002"}


def test_same_code_same_worker_per_centre(database_url: str) -> None:
    store = Store(database_url)
    a = store.get_or_create_worker("A1", centre="x")
    assert store.get_or_create_worker("A1", centre="x").id == a.id
    assert store.get_or_create_worker("A1", centre="y").id != a.id
    with pytest.raises(ValueError):
        store.get_or_create_worker("  ")


def test_list_sessions_filters(database_url: str) -> None:
    store = Store(database_url)
    w1 = store.get_or_create_worker("A1", centre="x")
    w2 = store.get_or_create_worker("B2", centre="y")
    s1 = store.create_session(w1, role="housekeeper", target_level=5, bank_version="v", engine_settings={}, state={})
    store.create_session(w2, role="elderly_carer", target_level=4, bank_version="v", engine_settings={}, state={})
    store.finish_session(s1.id, results={"ok": True}, level_reached=5, ready=True)
    assert len(store.list_sessions()) == 2
    assert [s.id for s, _ in store.list_sessions(SessionFilter(role="housekeeper"))] == [s1.id]
    assert [w.code for _, w in store.list_sessions(SessionFilter(centre="y"))] == ["B2"]
    assert [s.id for s, _ in store.list_sessions(SessionFilter(level_reached=5))] == [s1.id]
    assert [w.code for _, w in store.list_sessions(SessionFilter(search="b2"))] == ["B2"]
    assert [s.id for s, _ in store.list_sessions(SessionFilter(search=s1.resume_code.lower()))] == [s1.id]
    assert [s.id for s, _ in store.list_sessions(SessionFilter(search=s1.id[:8]))] == [s1.id]


def test_trainer_passwords_are_hashed(database_url: str) -> None:
    store = Store(database_url)
    store.add_trainer("li", "s3cret-pass")
    stored = store.trainers()[0].password_hash
    assert "s3cret-pass" not in stored and stored.startswith("scrypt$")
    assert store.verify_trainer("li", "s3cret-pass")
    assert not store.verify_trainer("li", "wrong-pass")
    assert not store.verify_trainer("nobody", "s3cret-pass")
    with pytest.raises(ValueError):
        store.add_trainer("li", "short")


def test_password_hash_roundtrip() -> None:
    stored = hash_password("密码-password")
    assert verify_password("密码-password", stored)
    assert not verify_password("other", stored)
    assert not verify_password("x", "not-a-hash")


def test_item_exposure_counts_recent_sessions_per_role(database_url: str) -> None:
    store = Store(database_url)
    worker = store.get_or_create_worker("E1")
    for n in range(3):
        session = store.create_session(worker, role="housekeeper", target_level=5, bank_version="v",
                                       engine_settings={}, state={})
        _answer(store, session.id, "cln-0001", {})
        if n == 0:
            _answer(store, session.id, "cln-0002", {})
    store.create_session(worker, role="elderly_carer", target_level=5, bank_version="v", engine_settings={}, state={})
    counts, sessions = store.item_exposure("housekeeper")
    assert sessions == 3 and counts == {"cln-0001": 3, "cln-0002": 1}
    assert store.item_exposure("elderly_carer") == ({}, 1)
    assert store.item_exposure("housekeeper", last_sessions=2)[1] == 2
