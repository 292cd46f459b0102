"""A fake generator with queued canned replies (as in simonw/llm's tests); records every prompt it sees."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from assessor.lm.base import Generator, Message, cut_at_stop


class FakeGenerator(Generator):
    """Replies are taken from the queue in order; when it is empty, `default` is returned."""

    name = "fake"

    def __init__(self, replies: Iterable[str] = (), default: str = "", chunk: int = 4) -> None:
        self.model_id = "fake"
        self.replies = list(replies)
        self.default = default
        self.chunk = chunk
        self.prompts: list[list[Message]] = []

    def queue(self, *replies: str) -> None:
        self.replies.extend(replies)

    def stream(self, messages: Sequence[Message], max_tokens: int = 128, temperature: float = 0.0,
               stop: Sequence[str] | None = None) -> Iterator[str]:
        self.prompts.append([dict(m) for m in messages])  # type: ignore[misc]
        reply = cut_at_stop(self.replies.pop(0) if self.replies else self.default, stop)
        for start in range(0, len(reply), self.chunk):
            yield reply[start : start + self.chunk]
