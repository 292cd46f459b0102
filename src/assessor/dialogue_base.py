"""What every part of `Assessment` shares: the banks by version, the store, the per-session locks, the
compare-and-swap save, transcript lines, names from the bank, and an item's picture.

The parts that use it: `dialogue.py` (intake, the question loop, stop), `dialogue_results.py` (results and what a
front end reads back), `dialogue_review.py` (a trainer's review), `dialogue_help.py` (rephrase, ask-the-bank).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from assessor.bank.load import Bank
from assessor.bank.media import svg_data_uri
from assessor.bank.schema import Item
from assessor.cat.engine import EngineConfig, SessionState
from assessor.responses import InputProblem
from assessor.results import domain_name as bank_domain_name
from assessor.results import role_name as bank_role_name
from assessor.services import Models
from assessor.store import AssessmentSession, Store

log = logging.getLogger("assessor.dialogue")  # one logger for all parts of the conversation, named as before the split
# Reasons stored with model-related transcript lines (the trainer's Models page counts them by these prefixes)
FEEDBACK_FALLBACK = "authored explanation; model feedback not shown: "
GATE_PASSED = "passed the gate: "
KEEP_BANKS = 16  # bank versions held for running sessions after trainers' edits


class AssessmentCore:
    """The state and helpers shared by the parts of `assessor.dialogue.Assessment` (not used on its own)."""

    def __init__(self, bank: Bank, store: Store, *, models: Models | None = None,
                 config: EngineConfig | None = None, centre: str = "default",
                 clock: Callable[[], float] = time.time) -> None:
        self.bank = bank  # the newest bank: new sessions start on it
        self.banks: dict[str, Bank] = {bank.version: bank}  # by version: a running session keeps its own
        self.store = store
        self.models = models or Models(bank)
        self.config = config or EngineConfig()
        self.centre = centre
        self.clock = clock
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # ---- helpers
    def _lock(self, session_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def _row(self, session_id: str) -> AssessmentSession:
        row = self.store.get_session(session_id)
        if row is None:
            raise InputProblem("unknown_code", code=session_id[:8])
        return row

    def use_bank(self, bank: Bank) -> None:
        """Start new sessions on `bank` (a trainer saved or approved an item); sessions already running keep
        the bank version they started with (`bank_of`) while this process keeps it (the last KEEP_BANKS)."""
        self.banks[bank.version] = bank
        while len(self.banks) > KEEP_BANKS:
            self.banks.pop(next(iter(self.banks)))
        self.bank = bank

    def bank_of(self, row: AssessmentSession) -> Bank:
        """The bank a session started on (the newest when that version is no longer held, e.g. after a restart)."""
        return self.banks.get(row.bank_version, self.bank)

    @staticmethod
    def _state(row: AssessmentSession) -> SessionState:
        return SessionState.from_dict(row.state["engine"])

    def _save(self, row: AssessmentSession, state: SessionState, lang: str | None = None,
              messages: Sequence[dict[str, Any]] = ()) -> None:
        """Save as a compare-and-swap on the version `row` was read at (StaleSession if another request wrote),
        with the transcript lines `messages` (see `_line`) in the same transaction."""
        row.version = self.store.save_state(row.id, {"engine": state.to_dict(), "lang": lang or row.language},
                                            language=lang, expected_version=row.version, messages=messages)

    @staticmethod
    def _line(text: str, *, kind: str, source: str = "bank", reason: str = "", item_id: str | None = None,
              speaker: str = "assessor") -> dict[str, Any]:
        """A transcript line to store with the next write (what `_say` stores at once)."""
        return {"speaker": speaker, "text": text, "kind": kind, "source": source, "reason": reason,
                "item_id": item_id}

    def _say(self, session_id: str, text: str, *, kind: str, source: str = "bank", reason: str = "",
             item_id: str | None = None, speaker: str = "assessor") -> None:
        self.store.add_message(session_id, speaker=speaker, text=text, kind=kind, source=source, reason=reason,
                               item_id=item_id)

    def domain_name(self, domain: str, lang: str) -> str:
        return bank_domain_name(self.bank, domain, lang)

    def role_name(self, role: str, lang: str) -> str:
        return bank_role_name(self.bank, role, lang)

    def roles(self, lang: str) -> list[tuple[str, str]]:
        return [(r.name.get(lang), r.id) for r in self.bank.roles.values()]

    def levels_for(self, role: str) -> list[int]:
        found = self.bank.roles.get(role)
        return sorted(found.levels, reverse=True) if found else []

    def _image(self, item: Item, lang: str) -> dict[str, str]:
        """The item's drawing (validated SVG as a data: URI) and its alt text in `lang`, for the question view."""
        src = svg_data_uri(self.bank.root / "media", item.image.file) if item.image else None
        return {"image_src": src, "image_alt": item.image.alt.get(lang)} if src and item.image else {}
