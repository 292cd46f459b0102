"""`assessor backup` / `assessor restore`: a round trip with a session mid-quiz that resumes afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.cli import app
from assessor.store import Store
from assessor.store.migrations import head_revision

runner = CliRunner()
LEGACY = Path(__file__).parent / "legacy" / "store-v2.sqlite"


def _answer(store: Store, session_id: str, item_id: str, version: int) -> None:
    store.record_answer(session_id, item_id=item_id, item_version=1, item_params={"a": 1.2}, domain="cleaning",
                        level=5, item_type="single_choice", answer=["b"], score=0.0, category=0, correct=False,
                        pilot=False, theta={"cleaning": -0.2}, se={"cleaning": 0.9},
                        state={"engine": {"answered": [item_id]}, "pending": "cln-0003"}, expected_version=version)


def test_backup_and_restore_round_trip_resumes_a_session_mid_quiz(isolated_data_dir: Path, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{isolated_data_dir / 'assessor.sqlite'}")
    worker = store.get_or_create_worker("BK-1", centre="Jinan", display_name="李姐")
    session = store.create_session(worker, role="housekeeper", target_level=5, bank_version="bank-1",
                                   engine_settings={"max_items": 30}, state={"engine": {}})
    _answer(store, session.id, "cln-0001", 0)
    store.add_message(session.id, speaker="assessor", text="第二题", kind="question", item_id="cln-0003")
    store.add_trainer("wang", "long-password", centre="Jinan")

    backup = tmp_path / "backups" / "centre.sqlite"
    result = runner.invoke(app, ["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and backup.is_file()
    assert not Path(f"{backup}-wal").exists()

    fresh = tmp_path / "restored"
    result = runner.invoke(app, ["restore", str(backup), "--data", str(fresh)])
    assert result.exit_code == 0, result.output
    restored = Store(f"sqlite:///{fresh / 'assessor.sqlite'}")
    row = restored.get_session_by_code(session.resume_code)
    assert row is not None and row.id == session.id and row.version == 1
    assert row.state == {"engine": {"answered": ["cln-0001"]}, "pending": "cln-0003"}
    assert [r.item_id for r in restored.responses(session.id)] == ["cln-0001"]
    assert restored.messages(session.id)[0].text == "第二题"
    assert restored.verify_trainer("wang", "long-password")
    _answer(restored, row.id, "cln-0003", row.version)  # the quiz goes on where it stopped
    assert [r.seq for r in restored.responses(session.id)] == [1, 2]

    again = runner.invoke(app, ["restore", str(backup), "--data", str(fresh)])
    assert again.exit_code == 1 and "empty data directory" in again.output
    twice = runner.invoke(app, ["backup", str(backup)])
    assert twice.exit_code == 1 and "never overwrites" in twice.output


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["restore", str(tmp_path / "nope.sqlite"), "--data", str(tmp_path / "d1")])
    assert missing.exit_code == 1 and "no backup file" in missing.output
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(app, ["restore", str(junk), "--data", str(tmp_path / "d2")])
    assert result.exit_code == 1 and "not a SQLite database" in result.output
    assert not (tmp_path / "d2" / "assessor.sqlite").exists()


def test_restoring_an_old_backup_upgrades_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["restore", str(LEGACY), "--data", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    store = Store(f"sqlite:///{tmp_path / 'd' / 'assessor.sqlite'}")
    assert store.schema_revision == head_revision()
    assert store.get_session("8d8b490cd35d47d580a3624245cf8823") is not None


def test_backup_of_postgresql_prints_the_pg_dump_command_without_the_password(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assessor.settings import get_settings

    monkeypatch.setenv("ASSESSOR_DATABASE_URL", "postgresql+psycopg://assessor:s3cret@db.local:5433/hub")
    get_settings.cache_clear()
    result = runner.invoke(app, ["backup", str(tmp_path / "hub.dump")])
    assert result.exit_code == 0, result.output
    assert "pg_dump --format=custom" in result.output and "postgresql://assessor@db.local:5433/hub" in result.output
    assert "pg_restore" in result.output and "s3cret" not in result.output
    assert not (tmp_path / "hub.dump").exists()
