"""Alembic migrations: a new database matches the tables, and databases made by the pre-Alembic store upgrade."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from assessor.store import Store
from assessor.store.migrations import current_revision, head_revision
from assessor.store.tables import Base

LEGACY = Path(__file__).parent / "legacy"
LEGACY_SESSION = {"sqlite": "8d8b490cd35d47d580a3624245cf8823", "postgresql": "879aa8097cb54d7e9cd994672e8ce7bd"}


def _schema_differences(store: Store) -> list[object]:
    with store.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def _make_legacy_database(database_url: str) -> str:
    """Fill the empty test database with the schema and rows the pre-Alembic store made; return the dialect."""
    engine = create_engine(database_url)
    try:
        if engine.dialect.name == "sqlite":
            shutil.copy(LEGACY / "store-v2.sqlite", str(engine.url.database))
            return "sqlite"
        with engine.begin() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar()
            script = (LEGACY / "store-v2.postgresql.sql").read_text(encoding="utf-8").replace("__SCHEMA__", str(schema))
            connection.exec_driver_sql(script)
        return "postgresql"
    finally:
        engine.dispose()


def test_a_new_database_has_exactly_the_tables_of_the_code(database_url: str) -> None:
    store = Store(database_url)
    assert store.schema_revision == head_revision() == current_revision(store.engine)
    assert _schema_differences(store) == []
    assert "schema_version" not in inspect(store.engine).get_table_names()


def test_a_pre_alembic_database_upgrades_and_keeps_its_rows(database_url: str) -> None:
    dialect = _make_legacy_database(database_url)
    assert "schema_version" in inspect(create_engine(database_url)).get_table_names()
    store = Store(database_url)
    assert current_revision(store.engine) == head_revision()
    assert _schema_differences(store) == []
    assert "schema_version" not in inspect(store.engine).get_table_names()
    session = store.get_session(LEGACY_SESSION[dialect])
    assert session is not None and session.version == 0 and session.kind == "assessment"
    assert session.state == {"engine": {"step": 2}, "lang": "zh"}
    assert store.get_session_by_code(session.resume_code) is not None
    [response] = store.responses(session.id)
    assert (response.review_status, response.counted, response.audio_path) == ("auto", True, None)
    assert response.item_params == {"a": 1.0, "b": 0.0, "c": 0.2}
    worker = store.get_worker(session.worker_id)
    assert worker is not None and worker.display_name == "王阿姨" and worker.consent_at is None
    assert store.messages(session.id)[0].text == "题目一"
    assert store.verify_trainer("li", "s3cret-pass")
    # the upgraded database takes new rows in every table, including the new one
    store.record_review(response.id, trainer="li", points=[{"point": "p1", "said": True}], critical=[], score=1.0)
    assert Store(database_url).schema_revision == head_revision()


def _open(url: str) -> str:
    return Store(url).schema_revision


def test_processes_opening_a_new_database_at_once_all_succeed(database_url: str) -> None:
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        revisions = pool.map(_open, [database_url] * 3)
    assert revisions == [head_revision()] * 3


def test_duplicate_transcript_numbers_are_renumbered_in_order(database_url: str) -> None:
    from alembic import command

    from assessor.store.migrations import _config

    engine = create_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0002")  # the schema before message numbers were unique
        connection.execute(text("INSERT INTO workers (id, code, centre, display_name, language, created_at) "
                                "VALUES ('w1', 'D-1', 'default', 'D', 'zh', '2026-12-01 08:00:00')"))
        connection.execute(text(
            "INSERT INTO sessions (id, resume_code, worker_id, centre, role, target_level, language, status, "
            "started_at, bank_version, engine_settings, state) VALUES ('s1', 'ABCDEFGH', 'w1', 'default', "
            "'housekeeper', 5, 'zh', 'active', '2026-12-01 08:00:00', 'v', '{}', '{}')"))
        for seq, text_ in [(1, "a"), (2, "b1"), (2, "b2"), (3, "c"), (3, "d")]:
            connection.execute(text("INSERT INTO messages (session_id, seq, speaker, kind, text, source, reason, "
                                    "created_at) VALUES ('s1', :seq, 'assessor', 'text', :t, 'bank', '', "
                                    "'2026-12-01 08:00:00')"), {"seq": seq, "t": text_})
    engine.dispose()
    store = Store(database_url)
    assert [(m.seq, m.text) for m in store.messages("s1")] == [(1, "a"), (2, "b1"), (3, "b2"), (4, "c"), (5, "d")]
    assert _schema_differences(store) == []
    store.add_message("s1", speaker="worker", text="e")
    assert store.messages("s1")[-1].seq == 6
