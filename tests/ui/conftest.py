"""Fixtures for the web app: a fast context (tiny bank, hashing embedder, no generator), a launched app on
127.0.0.1 and a free port, and, for browser tests, one finished Chinese quiz that later tests can reuse
(the trainer's browser test opens its transcript)."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assessor.bank.load import Bank, load_bank
from assessor.cat.engine import EngineConfig
from assessor.dialogue import Models
from assessor.lm.service import LMService
from assessor.retrieval.embedder import HashingEmbedder
from assessor.settings import load_settings
from assessor.ui.context import AppContext

ROOT = Path(__file__).resolve().parents[2]
TINY_BANK = ROOT / "tests" / "fixtures" / "tiny_bank"
SHIPPED_BANK = ROOT / "question_bank"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-domain-reliability",
                 "--disable-breakpad", "--metrics-recording-only"]


def fast_models(bank: Bank) -> Models:
    """Models with no weights: the hashing embedder and no generator (authored texts)."""
    embedder = HashingEmbedder(512)
    return Models(bank, embedder_name="hashing", lm=LMService(generator=None, embedder=embedder))


def make_context(data_dir: Path, *, bank_dir: Path = TINY_BANK, models: Models | None = None,
                 max_items: int | None = None, embedder: str = "hashing") -> AppContext:
    settings = load_settings(data_dir=data_dir, bank_dir=bank_dir, embedder=embedder)
    bank = load_bank(bank_dir)
    config = EngineConfig(max_items=max_items or settings.max_items, min_items=min(10, max_items or 10))
    return AppContext.create(settings, bank=bank, models=models or fast_models(bank), config=config,
                             background=False)


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def launched(ctx: AppContext, *, with_trainer: bool = False) -> Iterator[tuple[Any, str]]:
    """build_app(ctx) launched on 127.0.0.1 and a free port; yields (blocks, url) and closes it."""
    from assessor.ui.app import build_app, launch_kwargs

    blocks = build_app(ctx, with_trainer=with_trainer)
    port = free_port()
    blocks.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                  **launch_kwargs(ctx))
    try:
        yield blocks, f"http://127.0.0.1:{port}/"
    finally:
        blocks.close()


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> AppContext:
    """The app context on SQLite and on PostgreSQL (database_url also sets ASSESSOR_DATABASE_URL)."""
    return make_context(tmp_path / "app")


@pytest.fixture
def page(ctx: AppContext) -> Any:
    """The worker tab's handlers (components built inside a Blocks, no server)."""
    from assessor.ui.app import build_app

    return build_app(ctx, with_trainer=False).worker_page


# ------------------------------------------------------------------ browser


def chromium_available() -> bool:
    """Whether the browser tests can run. In CI (CI=true, where .ci/run installs chromium) a missing browser is
    a failure, never a silent skip."""
    found = Path(CHROMIUM).exists()
    if found:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            found = False
    if not found and os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI has no chromium/playwright for the browser tests (.ci/run installs them)")
    return found


@dataclass
class BrowserQuiz:
    """A launched app in which a worker finished a Chinese quiz in a real browser."""

    url: str
    ctx: AppContext
    blocks: Any
    browser: Any
    session_id: str
    resume_code: str
    worker_code: str
    requests: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def new_page(self, **kwargs: Any) -> Any:
        """A fresh page whose every request is recorded in `self.requests`."""
        page = self.browser.new_page(**kwargs)
        page.on("request", lambda request: self.requests.append(request.url))
        return page


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One chromium for the whole run, from one Playwright: a second `sync_playwright()` in the same process
    fails while the first one's event loop runs, so every browser test takes this browser (and makes its own
    pages or contexts; `chromium.browser_type.launch(...)` for a browser with other launch options)."""
    if not chromium_available():
        pytest.skip("needs Debian's chromium (/usr/bin/chromium) and the playwright package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def browser_quiz(tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> Iterator[BrowserQuiz]:
    """Launch the app (shipped bank, short quiz), finish a quiz in Chinese in chromium, keep both running."""
    from tests.ui.browser_flow import finish_quiz_in_chinese

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ctx = make_context(tmp_path_factory.mktemp("browser-app"), bank_dir=SHIPPED_BANK, max_items=8)
    with launched(ctx, with_trainer=True) as (blocks, url):
        quiz = BrowserQuiz(url=url, ctx=ctx, blocks=blocks, browser=chromium, session_id="", resume_code="",
                           worker_code="浏览器测试001")
        finish_quiz_in_chinese(quiz, SCREENSHOTS)
        yield quiz
