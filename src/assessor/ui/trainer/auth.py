"""Who may see what on the trainer pages: the login lock, the account lookup and the centre scope.

The logged-in name lives in a server-side `gr.State`; every click looks the account up once
(`Store.get_trainer`) and passes the resulting `Scope` explicitly to the step it runs. A trainer of a named
centre sees only that centre's sessions; an account of the "default" centre (or none) sees every centre.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from assessor.store import SessionFilter, Store

LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW = 300.0  # seconds
ALL_CENTRES = ("", "default")


class Problem(Exception):
    """A message for the trainer (already bilingual); nothing else changes."""


@dataclass(frozen=True)
class Scope:
    """A logged-in trainer and the centre they are limited to (None: every centre)."""

    username: str
    centre: str | None

    def allows(self, centre: str) -> bool:
        return self.centre is None or centre == self.centre

    def limit(self, flt: SessionFilter) -> SessionFilter:
        """`flt` restricted to this trainer's centre."""
        return flt if self.centre is None else replace(flt, centre=self.centre)


def scope_of(store: Store, user: Any) -> Scope | None:
    """The scope of the account named `user` (the State's value), or None when there is no such account."""
    if not isinstance(user, str) or not user:
        return None
    trainer = store.get_trainer(user)
    if trainer is None:
        return None
    centre = None if trainer.centre in ALL_CENTRES else str(trainer.centre)
    return Scope(trainer.username, centre)


class LoginLock:
    """After `max_failures` failed logins for one username within `window` seconds, further attempts for it are
    refused (without checking the password) until the window has passed; other usernames are unaffected."""

    def __init__(self, max_failures: int = LOGIN_MAX_FAILURES, window: float = LOGIN_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[str, list[float]] = {}

    def _recent(self, name: str) -> list[float]:
        now = self.clock()
        return [at for at in self._failures.get(name, []) if now - at < self.window]

    def wait_seconds(self, name: str) -> int | None:
        """Seconds until `name` may try again, or None when it is not locked."""
        recent = self._recent(name)
        if len(recent) < self.max_failures:
            return None
        return int(self.window - (self.clock() - recent[0])) + 1

    def failed(self, name: str) -> None:
        self._failures[name] = [*self._recent(name), self.clock()]

    def succeeded(self, name: str) -> None:
        self._failures.pop(name, None)


def clean(value: Any, limit: int = 200) -> str:
    """A trainer's typed value as a bounded, stripped string with no control characters."""
    text = "" if value is None else str(value)
    return "".join(ch for ch in text if ch.isprintable()).strip()[:limit]
