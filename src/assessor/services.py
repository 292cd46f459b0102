"""The model services every session shares, loaded lazily (optionally in a background thread): the free-text
grader, the bank index, the placer and the language-model service.

The conversation talks to them only through the small protocols below, so a fake (tests) or another backend
(the free-text scoring engineer's grader) plugs in without any change to the dialogue:

    models = Models(bank, embedder_name="hashing", lm=LMService(generator=None))
    models.grader().grade(item, "先关火……").score      # 0..1
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from assessor.bank.load import Bank
from assessor.bank.schema import Item

if TYPE_CHECKING:
    from assessor.lm.gate import GateDecision
    from assessor.retrieval.embedder import Embedder
    from assessor.retrieval.index import BankIndex
    from assessor.retrieval.placement import Placer

log = logging.getLogger(__name__)


class Grade(Protocol):
    """One graded free-text answer: `score` in 0..1, per-point results, flags, and a JSON form for the store."""

    @property
    def score(self) -> float: ...
    @property
    def points(self) -> Sequence[Any]: ...
    @property
    def flags(self) -> Sequence[str]: ...
    def to_json(self) -> dict[str, Any]: ...


class FreeTextGrader(Protocol):
    """Scores a free-text answer against the item's rubric (never a language model)."""

    def grade(self, item: Item, answer: str, expected_lang: str | None = None) -> Grade: ...


class LanguageService(Protocol):
    """What the dialogue needs from the language-model layer (`assessor.lm.service.LMService`): every text
    comes back as a gate decision (the model's text if it passed, otherwise the authored fallback)."""

    def rephrase(self, item: Item, lang: str) -> GateDecision: ...
    def feedback(self, item: Item, lang: str, correct: bool,
                 answer: str | Sequence[str] | None = None) -> GateDecision: ...
    def summary(self, results: Mapping[str, Any], lang: str, audience: str = "worker") -> GateDecision: ...
    def second_opinion(self, item: Item, answer: str, lang: str = "en") -> GateDecision: ...


class Models:
    """Lazily loaded grader, index, placer and language service, shared by all sessions.

    The grader has its own lock, so scoring never waits for the index or the placer (heavy, built one after
    the other under a second lock). `load_in_background()` warms them all; a failure is kept in `error`
    (shown on the trainer's bank page) and logged, and sessions still run.
    """

    def __init__(self, bank: Bank, *, embedder_name: str | None = None, lm: LanguageService | None = None,
                 grader: FreeTextGrader | None = None) -> None:
        self.bank = bank
        self.embedder_name = embedder_name
        self._lm = lm
        self._grader = grader
        self._index: BankIndex | None = None
        self._placer: Placer | None = None
        self._generation = 0  # bumped by use_bank: a slower rebuild for an older bank is dropped
        self._lock = threading.Lock()
        self._grader_lock = threading.Lock()
        self._lm_lock = threading.Lock()
        self._ready = threading.Event()
        self.error: str | None = None

    def _embedder(self) -> Embedder:
        from assessor.retrieval.embedder import get_embedder

        return get_embedder(self.embedder_name)

    def grader(self) -> FreeTextGrader:
        """The free-text grader (built on first use)."""
        with self._grader_lock:
            if self._grader is None:
                from assessor.retrieval.grading import Grader

                self._grader = Grader(self._embedder())
            return self._grader

    def index(self) -> BankIndex:
        """The embedding index of the bank's passages (loaded from the cache or built on first use)."""
        with self._lock:
            if self._index is None:
                from assessor.retrieval.index import load_index

                self._index = load_index(self.bank, self._embedder())
            return self._index

    def placer(self) -> Placer:
        """Placement of a free description onto domains and a role."""
        with self._lock:
            if self._placer is None:
                from assessor.retrieval.placement import get_placer

                self._placer = get_placer(self.bank, self._embedder())
            return self._placer

    def use_bank(self, bank: Bank) -> threading.Thread | None:
        """Serve `bank` from now on: the ask-the-bank index and the placer are built for it in a background
        thread (returned) and swapped in when ready (the old ones answer until then); a newer `use_bank`
        meanwhile wins. Nothing is built when neither was loaded yet (the first use builds it for `bank`)."""
        with self._lock:
            self.bank = bank
            self._generation += 1
            generation = self._generation
            if self._index is None and self._placer is None:
                return None

        def rebuild() -> None:
            from assessor.retrieval.index import load_index
            from assessor.retrieval.placement import get_placer

            try:
                index = load_index(bank, self._embedder())
                placer = get_placer(bank, self._embedder())
            except Exception:  # the old index and placer keep answering; the next bank change tries again
                log.exception("rebuilding the index for bank %s failed", bank.version)
                return
            with self._lock:
                if generation == self._generation:
                    self._index, self._placer = index, placer

        thread = threading.Thread(target=rebuild, name="assessor-bank-index", daemon=True)
        thread.start()
        return thread

    def lm(self) -> LanguageService:
        """The language-model service (its generator loads on its first use)."""
        with self._lm_lock:
            if self._lm is None:
                from assessor.lm.service import LMService

                self._lm = LMService()
            return self._lm

    def load_in_background(self) -> threading.Thread:
        """Warm every service in a daemon thread (the first page must not wait for them)."""

        def warm() -> None:
            try:
                self.grader()
                self.placer()
                self.index()
                self.lm()
            except Exception as error:  # reported on the trainer's bank page; sessions still run
                log.exception("loading the models failed")
                self.error = f"{type(error).__name__}: {error}"
            finally:
                self._ready.set()
            try:  # after `ready`: the first worker does not wait for it
                self._warm_rubrics()
            except Exception:
                log.exception("encoding the rubrics ahead failed; each is encoded on its first answer instead")

        thread = threading.Thread(target=warm, name="assessor-models", daemon=True)
        thread.start()
        return thread

    def _warm_rubrics(self) -> None:
        """Encode every active open item's rubric now (one batch), so no worker's first answer to an item waits
        for it; graders without `warm` (test doubles) are left alone."""
        warm = getattr(self.grader(), "warm", None)
        if callable(warm):
            warm([i for i in self.bank.items.values() if i.type == "open_scenario" and i.status == "active"])

    @property
    def ready(self) -> bool:
        return self._ready.is_set()
