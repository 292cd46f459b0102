from __future__ import annotations

from typer.testing import CliRunner

from assessor.cli import app
from assessor.store import open_store


def test_trainer_add_stores_a_hash_and_rejects_short_passwords() -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["trainer", "add", "wang", "--password", "long-enough-1", "--centre", "Jinan"])
    assert ok.exit_code == 0, ok.output
    store = open_store()
    assert store.verify_trainer("wang", "long-enough-1")
    assert store.trainers()[0].centre == "Jinan"
    bad = runner.invoke(app, ["trainer", "add", "zhao", "--password", "short"])
    assert bad.exit_code == 2
    assert "at least 8" in bad.output
