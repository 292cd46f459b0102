"""Workers' personal information: consent notice, export, delete, retention purge, and the log of who did it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from assessor.privacy import (
    consent_notice,
    data_rights_log,
    delete_worker,
    export_worker,
    months_before,
    parse_age,
    purge,
)
from assessor.report.item_stats import item_statistics
from assessor.store import Store
from assessor.store.tables import AssessmentSession, Certificate, GradingReview, Message, Response, Worker

OLD = datetime(2023, 3, 14, 9, 30)


@dataclass
class Data:
    store: Store
    old: list[str]  # worker A's sessions, three years old
    recent: str  # worker B's session, this week
    a_id: str
    b_id: str


def _answer(store: Store, session_id: str, item: str, *, free: bool, score: float) -> int:
    response = store.record_answer(
        session_id, item_id=item, item_version=1, item_params={"a": 1.2, "b": 0.1, "c": 0.0}, domain="cleaning",
        level=5, item_type="open_scenario" if free else "single_choice",
        answer="我叫王芳，住在历下区，先洗手再戴手套" if free else "B", score=score, category=int(score > 0.5),
        correct=score > 0.5, pilot=False, theta={"cleaning": 0.2}, se={"cleaning": 0.6}, state={"n": item},
        seconds=20.0, grading={"said": "先洗手"} if free else None, audio_path=None)
    return response.id


@pytest.fixture
def data(database_url: str) -> Data:
    store = Store(database_url)
    a = store.get_or_create_worker("A-01", centre="Jinan-1", display_name="王芳")
    b = store.get_or_create_worker("B-02", centre="Jinan-1", display_name="李梅")
    old = []
    for k in range(2):
        s = store.create_session(a, role="housekeeper", target_level=5, bank_version="v1", engine_settings={},
                                 state={"x": 1})
        first = _answer(store, s.id, "cln-0001", free=True, score=0.75)
        _answer(store, s.id, "cln-0002", free=False, score=float(k))
        _answer(store, s.id, "cln-0003", free=False, score=1.0)
        store.add_message(s.id, speaker="assessor", text="第一题", kind="question", item_id="cln-0001")
        store.add_message(s.id, speaker="worker", text="我叫王芳，电话13800000000", source="worker")
        store.mark_needs_review(first)
        store.record_review(first, trainer="li", points=[], critical=[], score=0.5, note="王芳说得对")
        store.finish_session(s.id, results={"results": {"domains": []}, "summary": {"text": "王芳，你好"}},
                             level_reached=5, ready=True)
        old.append(s.id)
    recent = store.create_session(b, role="housekeeper", target_level=5, bank_version="v1", engine_settings={},
                                  state={})
    _answer(store, recent.id, "cln-0001", free=True, score=0.25)
    _answer(store, recent.id, "cln-0002", free=False, score=0.0)
    store.add_message(recent.id, speaker="worker", text="李梅的回答", source="worker")
    with store.db() as db, db.begin():
        db.execute(update(AssessmentSession).where(AssessmentSession.id.in_(old))
                   .values(started_at=OLD, ended_at=OLD + timedelta(minutes=20)))
        db.execute(update(Worker).where(Worker.id == a.id).values(created_at=OLD))
        db.add(Worker(id="idle" * 8, code="C-03", centre="Jinan-1", display_name="张兰", created_at=OLD))
        db.add(Certificate(id="c" * 32, session_id=old[0], centre="Jinan-1", issued_by="li", revoked_by="",
                           revoke_reason=""))
    return Data(store, old, recent.id, a.id, b.id)


def _counts(store: Store) -> dict[str, int]:
    with store.db() as db:
        return {table.__tablename__: int(db.scalar(select(func.count()).select_from(table)) or 0)
                for table in (Worker, AssessmentSession, Response, Message, GradingReview, Certificate)}


def _stats(store: Store) -> list[dict[str, object]]:
    return item_statistics(store.all_responses(counted_only=True), min_n=1)


def test_the_consent_notice_says_what_why_how_long_and_who_in_both_languages() -> None:
    zh, en = consent_notice("zh", 24), consent_notice("en", 24)
    for word in ("保存什么", "为什么", "保存多久", "谁能看到", "24个月", "导出", "删除"):
        assert word in zh
    for word in ("What:", "Why:", "How long: 24 months", "Who sees it", "copy", "delete"):
        assert word in en
    assert consent_notice("fr") == consent_notice("zh")


def test_ages_and_cutoffs() -> None:
    assert parse_age("24m") == 24 and parse_age("2y") == 24 and parse_age("6") == 6
    for bad in ("", "0m", "24d", "m", "-3m"):
        with pytest.raises(ValueError, match="older-than"):
            parse_age(bad)
    assert months_before(datetime(2026, 3, 31, 8), 1) == datetime(2026, 2, 28, 8)
    assert months_before(datetime(2026, 12, 5), 24) == datetime(2024, 12, 5)


def test_a_dry_run_counts_and_changes_nothing(data: Data) -> None:
    before, stats = _counts(data.store), _stats(data.store)
    report = purge(data.store, months=24, actor="li", dry_run=True)
    assert (report.sessions, report.messages_deleted, report.responses_kept, report.workers_deleted) == (2, 4, 6, 2)
    assert sorted(report.session_ids) == sorted(data.old)
    assert _counts(data.store) == before and _stats(data.store) == stats
    assert data_rights_log(data.store) == []


def test_purge_removes_personal_data_and_keeps_item_statistics(data: Data) -> None:
    stats = _stats(data.store)
    report = purge(data.store, months=24, actor="li")
    assert (report.sessions, report.workers_deleted) == (2, 2)
    store = data.store
    assert store.get_worker(data.a_id) is None and store.get_worker("idle" * 8) is None
    assert all(store.get_session(s) is None for s in data.old)
    with store.db() as db:
        purged = list(db.scalars(select(AssessmentSession).where(AssessmentSession.status == "purged")))
        assert len(purged) == 2
        anonymous = {s.worker_id for s in purged}
        [worker] = [db.get(Worker, w) for w in anonymous]
        assert worker is not None and worker.display_name == "" and worker.code == "__anonymised__"
        for s in purged:
            assert s.state == {} and "summary" not in (s.results or {}) and s.started_at.day == 1
            assert store.messages(s.id) == []
            responses = store.responses(s.id)
            assert [r.answer for r in responses] == ["", "B", "B"]  # free text emptied, choices kept
            assert all(r.grading is None and r.audio_path is None for r in responses)
        notes = list(db.scalars(select(GradingReview.note)))
        cert = db.get(Certificate, "c" * 32)
    assert notes == ["", ""] and cert is not None and cert.session_id is None
    assert _stats(store) == stats  # the same items, counts, p-values, discrimination
    # the recent worker is untouched
    assert store.get_worker(data.b_id) is not None and len(store.messages(data.recent)) == 1
    assert store.responses(data.recent)[0].answer.startswith("我叫")
    [entry] = data_rights_log(store)
    assert (entry.actor, entry.action, entry.detail["sessions"]) == ("li", "purge", 2)
    # a second purge finds nothing more
    assert purge(store, months=24, actor="li").sessions == 0


def test_export_has_all_of_one_worker_and_nothing_of_another(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "out" / "a.json"
    export_worker(data.store, "A-01", out, actor="zhang")
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["worker"]["id"] == data.a_id and exported["worker"]["display_name"] == "王芳"
    assert sorted(s["id"] for s in exported["sessions"]) == sorted(data.old)
    assert sum(len(s["responses"]) for s in exported["sessions"]) == 6
    assert sum(len(s["messages"]) for s in exported["sessions"]) == 4
    assert sum(len(s["reviews"]) for s in exported["sessions"]) == 2
    assert [c["id"] for s in exported["sessions"] for c in s["certificates"]] == ["c" * 32]
    text = out.read_text(encoding="utf-8")
    assert "李梅" not in text and data.recent not in text and data.b_id not in text
    assert out.stat().st_mode & 0o077 == 0
    [entry] = data_rights_log(data.store, data.a_id)
    assert (entry.actor, entry.action) == ("zhang", "worker_export")
    with pytest.raises(ValueError, match="no worker"):
        export_worker(data.store, "Z-99", out, actor="zhang")
    with pytest.raises(ValueError, match="in centre Qingdao-2"):  # a trainer of another centre
        export_worker(data.store, "A-01", out, actor="wu", centre="Qingdao-2")
    with pytest.raises(ValueError, match="in centre Qingdao-2"):
        delete_worker(data.store, data.a_id, actor="wu", centre="Qingdao-2")
    assert data.store.get_worker(data.a_id) is not None


def test_delete_removes_the_worker_everywhere_and_is_logged(data: Data) -> None:
    before = _counts(data.store)
    counts = delete_worker(data.store, "A-01", actor="zhang")
    assert counts == {"sessions": 2, "responses": 6, "messages": 4}
    after = _counts(data.store)
    assert after == {**before, "workers": 2, "sessions": 1, "responses": 2, "messages": 1, "grading_reviews": 0}
    with data.store.db() as db:
        assert db.scalar(select(func.count()).select_from(Response).where(Response.session_id.in_(data.old))) == 0
        cert = db.get(Certificate, "c" * 32)
    assert cert is not None and cert.session_id is None  # a revocation still works
    assert data.store.get_worker(data.a_id) is None
    [entry] = data_rights_log(data.store)
    assert (entry.actor, entry.action, entry.subject, entry.detail["sessions"]) == ("zhang", "worker_delete",
                                                                                    data.a_id, 2)
    assert "王芳" not in json.dumps(entry.detail, ensure_ascii=False)


def test_the_commands(data: Data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor.cli import app
    from assessor.settings import get_settings

    monkeypatch.setenv("ASSESSOR_DATABASE_URL", data.store.url)
    get_settings.cache_clear()
    runner = CliRunner()
    result = runner.invoke(app, ["purge", "--older-than", "24m", "--dry-run", "--by", "li", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sessions"] == 2 and len(data.store.responses(data.old[0])) == 3
    assert runner.invoke(app, ["purge", "--older-than", "soon"]).exit_code == 2
    out = tmp_path / "b.json"
    result = runner.invoke(app, ["worker", "export", "B-02", "--out", str(out), "--by", "zhang"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["worker"]["code"] == "B-02"
    result = runner.invoke(app, ["worker", "delete", "B-02", "--by", "zhang", "--yes"])
    assert result.exit_code == 0 and data.store.get_worker(data.b_id) is None
    result = runner.invoke(app, ["worker", "log"])
    assert "worker_export" in result.output and "worker_delete" in result.output and "zhang" in result.output
    assert runner.invoke(app, ["worker", "delete", "B-02", "--yes"]).exit_code == 1
    result = runner.invoke(app, ["worker", "notice", "--lang", "en"])
    assert "How long" in result.output
    get_settings.cache_clear()


def test_purge_without_an_age_uses_the_retention_setting(data: Data, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor.cli import app
    from assessor.settings import get_settings

    monkeypatch.setenv("ASSESSOR_DATABASE_URL", data.store.url)
    monkeypatch.setenv("ASSESSOR_RETENTION_MONTHS", "120")  # ten years: nothing is that old
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["purge", "--json", "--by", "li"])
    assert result.exit_code == 0 and json.loads(result.output)["sessions"] == 0
    monkeypatch.setenv("ASSESSOR_RETENTION_MONTHS", "24")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["purge", "--json", "--by", "li"])
    assert result.exit_code == 0 and json.loads(result.output)["sessions"] == 2
    assert "120个月" in CliRunner().invoke(app, ["worker", "notice", "--months", "120"]).output
    get_settings.cache_clear()


def test_recordings_go_with_a_deleted_worker_and_with_a_purge(data: Data, tmp_path: Path) -> None:
    clips = []
    for session_id in (data.recent, data.old[0]):
        clip = tmp_path / f"{session_id}.wav"
        clip.write_bytes(b"RIFF")
        data.store.record_answer(
            session_id, item_id="cln-0009", item_version=1, item_params={}, domain="cleaning", level=5,
            item_type="single_choice", answer="A", score=1.0, category=1, correct=True, pilot=False, theta={},
            se={}, state={}, audio_path=str(clip))
        clips.append(clip)
    delete_worker(data.store, "B-02", actor="zhang")
    assert not clips[0].exists() and clips[1].exists()
    purge(data.store, months=24, actor="li")
    assert not clips[1].exists()
