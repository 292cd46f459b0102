"""One `AppContext` per running web app: settings, bank, store, the Assessment and its models.

The models (embedder, grader, index, placer, generator) load in a background thread so the first page
appears within seconds; a worker who answers before they are ready simply waits for that one call.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from assessor import offline  # noqa: F401  (offline switches before any library)
from assessor.bank.load import Bank, load_bank
from assessor.cat.engine import EngineConfig
from assessor.dialogue import Assessment, Models
from assessor.settings import Settings, get_settings
from assessor.store import Store

BANK_WATCH_SECONDS = 30.0  # how often a running app looks for bank files changed by another process


@dataclass
class AppContext:
    """Everything the pages share. Build with `AppContext.create(...)`."""

    settings: Settings
    bank: Bank
    store: Store
    models: Models
    assessment: Assessment
    browser_secret: str

    @property
    def files_dir(self) -> Path:
        """Where the app keeps the files it serves (reports, exports): `DATA_DIR/cache/files`."""
        return Path(self.settings.data_dir) / "cache" / "files"

    @property
    def report_dir(self) -> Path:
        """Workers' PDF reports, one per session, language and report version."""
        return self.files_dir / "reports"

    @property
    def export_dir(self) -> Path:
        """Trainers' exports (removed after an hour)."""
        return self.files_dir / "exports"

    @classmethod
    def create(cls, settings: Settings | None = None, *, bank: Bank | None = None, store: Store | None = None,
               models: Models | None = None, config: EngineConfig | None = None,
               background: bool = True) -> AppContext:
        """Open the bank and the store; start loading the models in the background (unless `background=False`).

        Args:
            settings: defaults to `get_settings()`.
            bank, store, models: injected in tests (e.g. `Models(bank, embedder_name="hashing", lm=...)`).
            config: engine settings (default: `EngineConfig(max_items=settings.max_items)`).
        """
        settings = settings or get_settings()
        bank = bank or load_bank(settings.bank_dir)
        store = store or Store(settings.resolved_database_url)
        models = models or Models(bank, embedder_name=settings.embedder)
        config = config or EngineConfig(max_items=settings.max_items)
        assessment = Assessment(bank, store, models=models, config=config, centre=settings.centre)
        if background:
            models.load_in_background()
        ctx = cls(settings=settings, bank=bank, store=store, models=models, assessment=assessment,
                  browser_secret=browser_secret(settings.data_dir))
        if background:  # another process (or a trainer's save there) changed the bank folder: serve it too
            from assessor.bank.watch import BankWatch

            BankWatch(lambda: ctx.bank, ctx.use_bank).start(BANK_WATCH_SECONDS)
        return ctx

    def use_bank(self, bank: Bank | None = None) -> Bank:
        """Swap in a new bank version without a restart (a fresh `load_bank` of the bank folder when none is
        given): new sessions, the pages, ask-the-bank and placement see it; running sessions keep theirs
        (`Assessment.bank_of`)."""
        bank = bank or load_bank(self.settings.bank_dir)
        self.bank = bank
        self.assessment.use_bank(bank)
        self.assessment.models.use_bank(bank)  # ask-the-bank and placement follow (rebuilt in the background)
        return bank


def browser_secret(data_dir: Path) -> str:
    """A stable secret for the browser-stored session pointer, so a refresh after a restart still resumes."""
    path = Path(data_dir) / "browser_state.secret"
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    except OSError:
        pass
    value = secrets.token_urlsafe(24)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value, encoding="utf-8")
    except OSError:  # read-only data dir: a refresh after a restart falls back to the resume code
        pass
    return value
