from __future__ import annotations

from typer.testing import CliRunner

from assessor.cli import app
from assessor.store import open_store
from tests.conftest import TINY_BANK


def test_terminal_quiz_runs_a_session_to_the_result(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSESSOR_BANK_DIR", str(TINY_BANK))
    from assessor.settings import get_settings

    get_settings.cache_clear()
    # "x" is rejected; "?" rephrases; then a cycle that fits every type sooner or later (misfits are rejected)
    answers = "\n".join(["x", "?", *(["1 2 3", "1", "不要扶，打120"] * 12), "q"]) + "\n"
    result = CliRunner().invoke(app, ["quiz", "--role", "housekeeper", "--level", "5", "--worker", "T1",
                                      "--embedder", "hashing"], input=answers)
    assert result.exit_code == 0, result.output
    assert "您的测试结果" in result.output
    store = open_store()
    [(session, worker)] = store.list_sessions()
    assert worker.code == "T1" and session.status == "finished"
    assert len(store.responses(session.id)) >= 2
    kinds = [m.kind for m in store.messages(session.id)]
    assert "rephrase" in kinds


def test_terminal_quiz_unknown_resume_code(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSESSOR_BANK_DIR", str(TINY_BANK))
    from assessor.settings import get_settings

    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["quiz", "--role", "housekeeper", "--level", "5", "--resume", "ZZZZ9999",
                                      "--embedder", "hashing"])
    assert result.exit_code == 2
    assert "ZZZZ9999" in result.output
