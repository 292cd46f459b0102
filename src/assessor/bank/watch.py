"""Notice bank files changed by another app process (several processes behind nginx share one bank folder) and
hand the refreshed bank to the app, so every process serves a trainer's saved or approved item without a restart.

`BankWatch.check()` is cheap when nothing changed (one hash over the files, milliseconds); when item files
changed it re-reads only those (`refresh.refreshed`); any other file (courses, roles …) means a full
`check_bank`. A bank with problems is never swapped in: the app keeps serving the last good one.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from assessor.bank.load import Bank, check_bank, content_hash
from assessor.bank.refresh import refreshed

log = logging.getLogger(__name__)


def file_hashes(root: Path) -> dict[str, str]:
    """sha256 of every bank YAML file, by path relative to `root`."""
    return {file.relative_to(root).as_posix(): hashlib.sha256(file.read_bytes()).hexdigest()
            for file in sorted(root.rglob("*.yaml"))}


class BankWatch:
    """Compares the bank folder with the bank in use; `current()` gives that bank, `on_change` takes a new one."""

    def __init__(self, current: Callable[[], Bank], on_change: Callable[[Bank], object]) -> None:
        self.current = current
        self.on_change = on_change
        self.seen = file_hashes(current().root)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> Bank | None:
        """Swap in the bank on disk if it differs from the one in use and is valid; return it (None: no change)."""
        bank = self.current()
        root = bank.root
        if content_hash(root) == bank.content_hash:
            self.seen = file_hashes(root)
            return None
        now = file_hashes(root)
        changed = sorted(rel for rel in set(now) | set(self.seen) if now.get(rel) != self.seen.get(rel))
        if changed and all(rel.startswith("items/") and rel in now for rel in changed):
            new, problems = refreshed(bank, changed)
        else:
            new, problems = check_bank(root)
        if problems:
            log.warning("the bank on disk has %d problem(s) (first: %s); still serving version %s",
                        len(problems), problems[0], bank.version)
            return None
        self.seen = now
        self.on_change(new)
        return new

    def start(self, interval: float = 30.0) -> None:
        """Check every `interval` seconds in a daemon thread (errors are logged, the thread goes on)."""

        def run() -> None:
            while not self._stop.wait(interval):
                try:
                    self.check()
                except Exception:
                    log.exception("bank watch failed")

        self._thread = threading.Thread(target=run, name="bank-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
