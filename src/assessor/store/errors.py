"""Errors the store raises for the callers to handle."""

from __future__ import annotations


class StaleSession(Exception):
    """A state write named a session version that is no longer current: another request (a refresh, another
    tab, another app process) wrote first. Nothing was written; re-read the session and decide again."""

    def __init__(self, session_id: str, expected: int, actual: int) -> None:
        super().__init__(f"session {session_id} is at version {actual}, not {expected}: another request wrote first")
        self.session_id = session_id
        self.expected = expected
        self.actual = actual
