"""Centre -> hub sync: signed bundles, idempotent and overlapping imports, refusals that import nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from assessor.cli import app
from assessor.settings import get_settings
from assessor.store import Store
from assessor.store.tables import AssessmentSession, GradingReview, Message, Response, Worker, utcnow
from assessor.sync import (
    SyncError,
    export_tables,
    import_bundle,
    init_centre,
    read_bundle,
    trust,
    trusted,
    write_bundle,
)
from tests.sync.conftest import CENTRE, Centre, Hub, answer

runner = CliRunner()


def _counts(hub: Hub) -> dict[str, int]:
    with hub.store.db() as db:
        return {table.__tablename__: int(db.scalar(select(func.count()).select_from(table)) or 0)
                for table in (Worker, AssessmentSession, Response, Message, GradingReview)}


def _bundle(centre: Centre, path: Path, since: datetime | None = None) -> Path:
    write_bundle(path, centre.key, export_tables(centre.store, CENTRE, since=since))
    return path


def _import(hub: Hub, path: Path) -> dict[str, object]:
    return import_bundle(hub.store, read_bundle(path, trusted(hub.data))).as_dict()


def _use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("ASSESSOR_DATABASE_URL", url)
    get_settings.cache_clear()


def test_cli_round_trip_and_the_same_bundle_twice_adds_nothing(
        tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, centre: Centre) -> None:
    other = tmp_path / "qingdao"
    result = runner.invoke(app, ["centre", "init", "Qingdao-2", "--data", str(other)])
    assert result.exit_code == 0, result.output
    assert (other / "centre.key").stat().st_mode & 0o077 == 0
    again = runner.invoke(app, ["centre", "init", "Qingdao-2", "--data", str(other)])
    assert again.exit_code == 1 and "exists already" in again.output

    hub_dir = tmp_path / "hub"
    result = runner.invoke(app, ["centre", "trust", str(centre.data / "centre.pub"), "--data", str(hub_dir)])
    assert result.exit_code == 0 and f"trusted centre {CENTRE}" in result.output
    assert CENTRE in runner.invoke(app, ["centre", "list", "--data", str(hub_dir)]).output

    bundle = tmp_path / "jinan.bundle"
    _use_database(monkeypatch, centre.store.url)
    result = runner.invoke(app, ["sync", "export", "--out", str(bundle), "--data", str(centre.data)])
    assert result.exit_code == 0, result.output
    assert "workers 2, sessions 3, responses 4, messages 2, grading_reviews 1" in result.output
    assert "1 session(s) of centre 'Elsewhere' are not in the bundle" in result.output

    _use_database(monkeypatch, database_url)
    first = runner.invoke(app, ["sync", "import", str(bundle), "--json", "--data", str(hub_dir)])
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["added"] == {"workers": 2, "sessions": 3, "responses": 4, "messages": 2, "grading_reviews": 1}
    assert report["conflicts"] == []
    second = runner.invoke(app, ["sync", "import", str(bundle), "--data", str(hub_dir)])
    assert second.exit_code == 0, second.output
    assert "sessions: 0 added, 0 updated, 3 already here" in second.output and "conflicts: 0" in second.output
    assert _counts(Hub(hub_dir, Store(database_url), database_url)) == {"workers": 2, "sessions": 3, "responses": 4, "messages": 2, "grading_reviews": 1}


def test_imported_rows_are_the_centres_rows(hub: Hub, centre: Centre, tmp_path: Path) -> None:
    _import(hub, _bundle(centre, tmp_path / "b1"))
    row = hub.store.get_session(centre.finished)
    source = centre.store.get_session(centre.finished)
    assert row is not None and source is not None
    assert (row.bank_version, row.version, row.status, row.results, row.centre) == (
        "bank-7", source.version, "finished", {"level": 5}, CENTRE)
    [first, second] = hub.store.responses(centre.finished)
    assert (first.review_status, first.counted, first.score) == ("reviewed", True, 0.75)
    assert second.answer == "先洗手，戴手套" and second.grading == {"points": {"p1": True}}
    [review] = hub.store.reviews(first.id)
    assert (review.trainer, review.note, review.points) == ("li", "好", [{"point": "p1", "said": True}])
    mid = hub.store.get_session(centre.mid_quiz)
    assert mid is not None and mid.centre == CENTRE  # the 'default' centre's rows travel under the centre's name
    worker = hub.store.get_worker(mid.worker_id)
    assert worker is not None and worker.centre == CENTRE and worker.code == "B-02"
    assert hub.store.get_session_by_code(source.resume_code) is not None
    kinds = sorted(s.kind for s, _w in hub.store.list_sessions())
    assert kinds == ["assessment", "assessment", "practice"]


def test_overlapping_bundles_add_only_what_is_new(hub: Hub, centre: Centre, tmp_path: Path) -> None:
    old = _bundle(centre, tmp_path / "b1")
    _import(hub, old)
    cut = utcnow()
    # the mid-quiz session goes on at the centre after the first bundle
    version = centre.store.session_version(centre.mid_quiz)
    answer(centre.store, centre.mid_quiz, "eld-0002", version=version)
    centre.store.add_message(centre.mid_quiz, speaker="assessor", text="Question 2", kind="question")
    newer = _bundle(centre, tmp_path / "b2", since=cut - timedelta(minutes=1))
    report = _import(hub, newer)
    assert report["added"] == {"workers": 0, "sessions": 0, "responses": 1, "messages": 1, "grading_reviews": 0}
    assert report["updated"]["sessions"] == 1 and report["conflicts"] == []
    mid = hub.store.get_session(centre.mid_quiz)
    assert mid is not None and mid.version == version + 1 and mid.state == {"last": "eld-0002"}
    # the older bundle again: nothing added, and the newer session is not rolled back
    report = _import(hub, old)
    assert sum(report["added"].values()) == 0 and report["updated"]["sessions"] == 0  # type: ignore[union-attr]
    mid = hub.store.get_session(centre.mid_quiz)
    assert mid is not None and mid.version == version + 1
    # a bundle since a later date carries only the touched session
    later = _bundle(centre, tmp_path / "b3", since=utcnow() + timedelta(minutes=5))
    assert read_bundle(later, trusted(hub.data)).tables["sessions"] == []


def test_a_differing_row_of_the_same_version_is_reported_as_a_conflict(hub: Hub, centre: Centre, tmp_path: Path) -> None:
    _import(hub, _bundle(centre, tmp_path / "b1"))
    hub.store.save_state(centre.mid_quiz, {"changed": "at the hub"}, expected_version=None)
    centre.store.save_state(centre.mid_quiz, {"changed": "at the centre"})  # both at the same version now
    report = _import(hub, _bundle(centre, tmp_path / "b2"))
    assert len(report["conflicts"]) == 1 and "state" in report["conflicts"][0]  # type: ignore[index]
    row = hub.store.get_session(centre.mid_quiz)
    assert row is not None and row.state == {"changed": "at the hub"}


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change.get(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
    return target


def _refused(hub: Hub, path: Path, message: str) -> None:
    before = _counts(hub)
    with pytest.raises(SyncError, match=message):
        _import(hub, path)
    assert _counts(hub) == before


def test_tampered_truncated_unsigned_and_unknown_bundles_are_refused(
        hub: Hub, centre: Centre, tmp_path: Path) -> None:
    good = _bundle(centre, tmp_path / "good")
    with zipfile.ZipFile(good) as archive:
        responses = archive.read("responses.jsonl")
        manifest = json.loads(archive.read("manifest.json"))
    cheat = responses.replace(b'"score": 0.5', b'"score": 1.0')
    assert cheat != responses
    _refused(hub, _rewrite(good, tmp_path / "t1", {"responses.jsonl": cheat}), "SHA-256")
    manifest["files"]["responses.jsonl"]["sha256"] = hashlib.sha256(cheat).hexdigest()
    _refused(hub, _rewrite(good, tmp_path / "t2", {"responses.jsonl": cheat,
                                                    "manifest.json": json.dumps(manifest).encode()}), "signature")
    _refused(hub, _rewrite(good, tmp_path / "t3", {"manifest.sig": None}), "not signed")
    _refused(hub, _rewrite(good, tmp_path / "t4", {"manifest.sig": base64.b64encode(b"x" * 64)}), "signature")
    _refused(hub, _rewrite(good, tmp_path / "t5", {"messages.jsonl": None}), "messages.jsonl")
    truncated = tmp_path / "t6"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _refused(hub, truncated, "truncated")
    (tmp_path / "t7").write_bytes(b"")
    _refused(hub, tmp_path / "t7", "truncated")
    _refused(hub, tmp_path / "missing", "no bundle")
    stranger = init_centre(tmp_path / "stranger", "Qingdao-2")
    write_bundle(tmp_path / "t8", stranger, export_tables(centre.store, CENTRE))
    _refused(hub, tmp_path / "t8", "not trusted")
    impostor = init_centre(tmp_path / "impostor", CENTRE)  # the right name, another key
    write_bundle(tmp_path / "t9", impostor, export_tables(centre.store, CENTRE))
    _refused(hub, tmp_path / "t9", "signature")
    # the good bundle still imports after all that
    assert _import(hub, good)["added"]["sessions"] == 3  # type: ignore[index]


def test_a_centre_may_send_only_its_own_rows(hub: Hub, centre: Centre, tmp_path: Path) -> None:
    _import(hub, _bundle(centre, tmp_path / "jinan"))
    other = init_centre(tmp_path / "qingdao", "Qingdao-2")
    trust(hub.data, tmp_path / "qingdao" / "centre.pub")
    rows = export_tables(centre.store, CENTRE)  # Jinan's rows, signed by Qingdao
    write_bundle(tmp_path / "spoof1", other, rows)
    _refused(hub, tmp_path / "spoof1", "may only send its own rows")
    for table in ("workers", "sessions"):  # relabelled, but the hub knows them as Jinan's
        for row in rows[table]:
            row["centre"] = "Qingdao-2"
    write_bundle(tmp_path / "spoof2", other, rows)
    _refused(hub, tmp_path / "spoof2", "may not change it")


def test_trusting_another_key_for_a_known_centre_needs_replace(tmp_path: Path, centre: Centre) -> None:
    hub = tmp_path / "hub"
    trust(hub, centre.data / "centre.pub")
    trust(hub, centre.data / "centre.pub")  # the same key again is fine
    init_centre(tmp_path / "new", CENTRE)
    with pytest.raises(SyncError, match="--replace"):
        trust(hub, tmp_path / "new" / "centre.pub")
    assert trust(hub, tmp_path / "new" / "centre.pub", replace=True).centre == CENTRE
    (tmp_path / "bad.pub").write_text("{}")
    with pytest.raises(SyncError, match="not a centre public key"):
        trust(hub, tmp_path / "bad.pub")


def test_a_signed_bundle_with_malformed_rows_imports_nothing(hub: Hub, centre: Centre, tmp_path: Path) -> None:
    rows = export_tables(centre.store, CENTRE)
    del rows["responses"][-1]["seq"]
    write_bundle(tmp_path / "bad1", centre.key, rows)
    _refused(hub, tmp_path / "bad1", "no seq")
    rows = export_tables(centre.store, CENTRE)
    rows["sessions"][0]["colour"] = "blue"
    write_bundle(tmp_path / "bad2", centre.key, rows)
    _refused(hub, tmp_path / "bad2", "unknown columns colour")
    rows = export_tables(centre.store, CENTRE)
    rows["messages"].append({"session_id": "not-a-session", "seq": 1, "speaker": "x", "text": "t"})
    write_bundle(tmp_path / "bad3", centre.key, rows)
    _refused(hub, tmp_path / "bad3", "neither the bundle nor here")
