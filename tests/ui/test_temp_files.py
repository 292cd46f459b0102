"""Gradio's temporary copies (a recorded clip the worker never submitted) are the app's to delete: the launched app
removes them once they are older than TEMP_FILES_CLEANUP's age, and all of them when the server stops."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from gradio.route_utils import delete_files_created_by_app

from assessor.ui.app import TEMP_FILES_CLEANUP
from tests.ui.conftest import launched, make_context

pytestmark = pytest.mark.slow


def _upload(url: str, name: str) -> Path:
    response = httpx.post(url + "gradio_api/upload", files={"files": (name, b"RIFF....WAVEfmt ", "audio/wav")})
    response.raise_for_status()
    return Path(response.json()[0])


def test_an_unsubmitted_clip_is_deleted_when_old_and_at_shutdown(tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app")
    with launched(ctx) as (blocks, url):
        frequency, age = TEMP_FILES_CLEANUP
        assert blocks.delete_cache == (frequency, age) and 0 < frequency <= age <= 4 * 3600
        clip = _upload(url, "never-sent.wav")
        assert clip.is_file()
        delete_files_created_by_app(blocks, age)  # the scheduled sweep: a fresh clip stays
        assert clip.is_file()
        delete_files_created_by_app(blocks, 0)  # once it is older than the age
        assert not clip.exists()
        last = _upload(url, "left-at-close.wav")
        assert last.is_file()
    assert not last.exists()  # the server stopped: every temporary copy went with it
