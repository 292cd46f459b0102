"""ui/lean_client.py against the launched app: the load bench's plain-httpx client runs a whole worker session,
reads the same endpoints and screen as gradio_client, and reports a failed or unknown event clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.ui.drive import WorkerClient
from assessor.ui.lean_client import LeanClient, LeanClientError
from tests.ui.conftest import launched, make_context

pytestmark = pytest.mark.slow


def test_whole_session_over_the_lean_client_is_stored(tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app")
    with launched(ctx) as (_blocks, url):
        lean = LeanClient(url)
        from gradio_client import Client

        reference = Client(url, verbose=False, download_files=False).view_api(return_format="dict", print_info=False)
        mine = lean.view_api(return_format="dict")
        for name in ("/start", "/submit", "/tap_0", "/load"):  # the same outputs in the same order (gr.State left out)
            assert [r["component"] for r in mine["named_endpoints"][name]["returns"]] == [
                r["component"] for r in reference["named_endpoints"][name]["returns"]]
        worker = WorkerClient(url, seed=3, client=lean)
        assert worker.load()["mode"] == "intake"
        screen = worker.start("轻客户端01", role="housekeeper", level=5)
        session_id = screen["session_id"]
        assert screen["mode"] == "quiz" and screen["question"]["number"] == 1
        kinds = set()
        for _ in range(40):
            if screen["mode"] != "quiz":
                break
            kinds.add(screen["question"]["type"])
            screen = worker.answer(screen)
        assert screen["mode"] == "result"
        assert worker.answers == len(ctx.store.responses(session_id)) > 0
        # the same browser session (session_hash) keeps its server-side state: a resume by code in English
        assert worker.call("/set_language", "en")["lang"] == "en"
        assert worker.call("/resume", screen["resume_code"])["mode"] == "result"
        lean.close()


def test_unknown_event_and_refused_input_are_clear(tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app")
    with launched(ctx) as (_blocks, url):
        lean = LeanClient(url)
        with pytest.raises(LeanClientError, match="no event named '/nope'"):
            lean.predict(api_name="/nope")
        worker = WorkerClient(url, client=lean)
        worker.load()
        assert "没有找到这个继续码" in worker.call("/resume", "ZZZZ9999")["notice"]
        lean.close()
