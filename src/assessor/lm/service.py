"""The one facade the dialogue and the web app call for generated text.

Every method returns a `GateDecision`: the text to show, whether it came from the model or the bank (the
authored bilingual text), and why. It works with no generator at all (`generator = "none"`): then the authored
texts are shown with reason "no generator". Nothing here scores: scoring never calls a generator.

    service = LMService()                       # from settings
    decision = service.rephrase(item, "zh")     # decision.text_shown, decision.source, decision.reason
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from assessor.bank.schema import Item
from assessor.lm import prompts
from assessor.lm.base import Generator, GeneratorUnavailable
from assessor.lm.gate import Gate, GateDecision, bank_decision
from assessor.lm.prompts import Task
from assessor.retrieval.embedder import Embedder
from assessor.settings import Settings, get_settings

log = logging.getLogger(__name__)
GeneratorSource = Generator | None | Callable[[str], "Generator | None"]


class LMService:
    """Generation for the four uses, each gated.

    Args:
        generator: a Generator for every use, None for none, a callable use -> Generator | None, or
            "settings" (default) to follow the settings (backend and model per use, loaded lazily).
        embedder: for the gate's grounding check (default: the configured embedder).
    """

    def __init__(self, settings: Settings | None = None, generator: GeneratorSource | str = "settings",
                 embedder: Embedder | None = None) -> None:
        self.settings = settings or get_settings()
        self._generator = generator
        self._embedder = embedder
        self._gate: Gate | None = None

    @property
    def gate(self) -> Gate:
        if self._gate is None:
            from assessor.retrieval.embedder import get_embedder

            embedder = self._embedder or get_embedder(settings=self.settings)
            self._gate = Gate(embedder, margin=self.settings.gate_grounding_margin)
        return self._gate

    def generator_for(self, use: str) -> Generator | None:
        """The generator serving `use` (None: authored text). Raises GeneratorUnavailable when misconfigured."""
        if use not in self.settings.generator_uses:
            return None
        if self._generator == "settings":
            from assessor.lm.registry import generator_for_use

            return generator_for_use(use, self.settings)
        if callable(self._generator) and not isinstance(self._generator, Generator):
            return self._generator(use)
        return self._generator if isinstance(self._generator, Generator) else None

    def _run(self, task: Task, distractors: Sequence[str] = ()) -> GateDecision:
        try:
            generator = self.generator_for(task.use)
        except GeneratorUnavailable as error:
            log.warning("generator unavailable for %s: %s", task.use, error)
            return bank_decision(task.fallback, f"generator unavailable: {error}", task.use, task.lang)
        if generator is None:
            reason = "no generator" if task.use in self.settings.generator_uses else "use switched off"
            return bank_decision(task.fallback, reason, task.use, task.lang)
        if generator.languages is not None and task.lang not in generator.languages:
            return bank_decision(task.fallback, f"model does not write {task.lang}", task.use, task.lang)
        try:
            text = generator.generate(task.messages, max_tokens=task.max_tokens)
        except Exception as error:  # a backend failure must never break a session
            log.warning("generation failed for %s: %s", task.use, error)
            return bank_decision(task.fallback, f"generator error: {error}", task.use, task.lang)
        return self.gate.check(
            text, lang=task.lang, fallback=task.fallback, sources=task.sources, use=task.use,
            forbidden=task.forbidden, distractors=distractors, before_answer=task.before_answer,
            min_chars=task.min_chars, max_chars=task.max_chars, worker_facing=task.audience == "worker",
            must_ask=task.must_ask, margin=task.grounding_margin, forbidden_keywords=task.forbidden_keywords,
        )

    def rephrase(self, item: Item, lang: str) -> GateDecision:
        """The question in plainer words, without hinting at the answer (fallback: the authored stem)."""
        task = prompts.rephrase(item, lang)
        key = set(item.key)
        distractors = [t for o in item.options if o.id not in key for t in (o.zh, o.en)]
        return self._run(task, distractors if item.type != "true_false" else ())

    def feedback(self, item: Item, lang: str, correct: bool, answer: str | Sequence[str] | None = None) -> GateDecision:
        """Feedback after an answer (fallback: verdict + the authored explanation)."""
        return self._run(prompts.feedback(item, lang, correct, answer))

    def summary(self, results: Mapping[str, Any], lang: str, audience: str = "worker") -> GateDecision:
        """End-of-session summary for "worker" or "trainer" (fallback: the results as plain sentences).

        `results` keys used (all optional): role / role_name, level, ready, domains [{id|name, score 0..1}],
        strengths, weaknesses, courses (names, or {zh, en} mappings)."""
        return self._run(prompts.summary(results, lang, audience))

    def second_opinion(self, item: Item, answer: str, lang: str = "en") -> GateDecision:
        """A model's view of a free-text answer for trainers only; never a score, never shown to workers."""
        return self._run(prompts.second_opinion(item, answer, lang))


def chunks(decision: GateDecision, size: int = 6) -> Iterator[str]:
    """The gated text in small pieces, for a typing effect in the UI (the gate runs on the whole text first,
    so nothing unchecked is ever streamed to a worker)."""
    text = decision.text_shown
    for start in range(0, len(text), size):
        yield text[start : start + size]


_service: LMService | None = None


def get_service() -> LMService:
    """The process-wide service built from settings."""
    global _service
    if _service is None:
        _service = LMService()
    return _service
