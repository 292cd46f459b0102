"""`gradio_client` against the launched app (127.0.0.1, a free port): a whole worker session, refresh by the
browser-stored pointer, an unknown resume code, and bad input through the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.recommend import readiness_text
from assessor.ui.drive import WorkerClient
from assessor.ui.trainer.findings import stored_results
from tests.ui.conftest import launched, make_context

pytestmark = pytest.mark.slow


def test_worker_session_through_gradio_client(tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app")
    with launched(ctx) as (_blocks, url):
        worker = WorkerClient(url, seed=1)
        first = worker.load()
        assert first["mode"] == "intake" and first["lang"] == "zh"
        screen = worker.start("客户端001", role="housekeeper", level=5)
        assert screen["mode"] == "quiz" and screen["question"]["number"] == 1
        session_id = screen["session_id"]
        screen = worker.answer(screen)
        # a refresh: a new browser session with the stored pointer continues at the same question
        other = WorkerClient(url)
        again = other.load({"lang": "zh", "session_id": session_id})
        assert again["question"]["item_id"] == screen["question"]["item_id"]
        for _ in range(40):
            if screen["mode"] != "quiz":
                break
            screen = worker.answer(screen)
        assert screen["mode"] == "result" and screen["result"]["pdf"] is True
        assert len(ctx.store.responses(session_id)) == worker.answers
        # the stored result by its code, in English
        stranger = WorkerClient(url)
        stranger.call("/set_language", "en")
        shown = stranger.call("/resume", screen["resume_code"])
        assert shown["mode"] == "result" and shown["lang"] == "en"
        stored = stored_results(ctx.store.get_session(session_id))
        assert stored is not None
        assert shown["result"]["readiness"] == readiness_text(ctx.bank, stored, "en")
        assert shown["result"]["readiness"].startswith("Overall") and screen["result"]["readiness"].startswith("总体看")


def test_bad_input_through_the_api(tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app")
    with launched(ctx) as (_blocks, url):
        worker = WorkerClient(url)
        worker.load()
        assert "没有找到这个继续码" in worker.call("/resume", "ZZZZ9999")["notice"]
        assert "姓名或工号" in worker.call("/start", "", "housekeeper", 5, None, [])["notice"]
        screen = worker.start("w", role="housekeeper", level=5)
        assert "太长" in worker.call("/ask", "x" * 3000)["notice"]
        assert "还没有" in worker.call("/ask", "")["notice"]
        sent = json.dumps(worker.call_all("/ask", "<script>alert(1)</script>"), ensure_ascii=False, default=str)
        assert "<script" not in sent and "&lt;script&gt;" in sent  # the question is in the chat, as text
        again = worker.call("/load", {"lang": "zh", "session_id": screen["session_id"]})
        assert again["mode"] == "quiz" and again["question"]["item_id"] == screen["question"]["item_id"]
        assert ctx.store.responses(screen["session_id"]) == []  # asking never answers
