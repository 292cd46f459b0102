"""The generator interface: chat messages in, text out (whole or streamed)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import TypedDict


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


class GeneratorUnavailable(RuntimeError):
    """A configured generator cannot be loaded or reached; the message names the package, folder or URL."""


class Generator(ABC):
    """A chat model. Subclasses implement `stream`; `generate` joins it."""

    name: str = "base"
    model_id: str = ""
    languages: tuple[str, ...] | None = None  # languages it can write; None: any

    @abstractmethod
    def stream(self, messages: Sequence[Message], max_tokens: int = 128, temperature: float = 0.0,
               stop: Sequence[str] | None = None) -> Iterator[str]:
        """Yield the reply in text chunks as they are produced."""

    def generate(self, messages: Sequence[Message], max_tokens: int = 128, temperature: float = 0.0,
                 stop: Sequence[str] | None = None) -> str:
        """The whole reply as one string."""
        return "".join(self.stream(messages, max_tokens=max_tokens, temperature=temperature, stop=stop)).strip()


def cut_at_stop(text: str, stop: Sequence[str] | None) -> str:
    """Text up to the first stop sequence."""
    for marker in stop or ():
        pos = text.find(marker)
        if pos >= 0:
            text = text[:pos]
    return text
