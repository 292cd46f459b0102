"""The app context: the first page does not wait for the models, and answers do not wait for the index."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assessor.bank.load import load_bank
from assessor.ui.context import AppContext, browser_secret
from tests.ui.conftest import TINY_BANK, fast_models


def test_models_load_in_the_background_and_answers_do_not_wait_for_the_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bank = load_bank(TINY_BANK)
    models = fast_models(bank)
    release = threading.Event()
    holding = threading.Event()

    def slow_placer() -> object:
        with models._lock:  # what a cold index/placer build looks like: minutes under the lock
            holding.set()
            release.wait(10)
        return object()

    monkeypatch.setattr(models, "placer", slow_placer)
    from assessor.settings import load_settings

    began = time.perf_counter()
    ctx = AppContext.create(load_settings(data_dir=tmp_path), bank=bank, models=models)
    assert time.perf_counter() - began < 5
    try:
        assert holding.wait(10), "the background thread never took the index/placer lock"
        assert models._lock.locked()
        began = time.perf_counter()
        ctx.models.grader()
        ctx.models.lm()
        assert time.perf_counter() - began < 2
        assert not ctx.models.ready
    finally:
        release.set()


def test_browser_secret_is_stable(tmp_path: Path) -> None:
    first = browser_secret(tmp_path)
    assert first and browser_secret(tmp_path) == first
