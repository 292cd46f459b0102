"""The one error of the sync package: the message says what is wrong and what to do."""

from __future__ import annotations


class SyncError(Exception):
    """A key, bundle or import that cannot be used; nothing was changed."""
