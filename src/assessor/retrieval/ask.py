"""Ask-the-bank: a worker's question -> the best matching explanations and course units, with their source.

Never returns the explanation (or stem) of the item that is open: the caller passes it in `exclude_item_ids`,
and explanations that are near-duplicates of an excluded item's explanation (cosine >= `twin_cosine`) are
dropped too, so a reworded twin item cannot give the answer away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from assessor.retrieval.embedder import cosine
from assessor.retrieval.index import BankIndex

ASK_KINDS: tuple[str, ...] = ("explanation", "unit")


@dataclass(frozen=True)
class Answer:
    """One result: `kind` is "explanation" or "unit"; `ref` the item id or "COURSE/UNIT"."""

    kind: str
    ref: str
    text: str
    lang: str
    score: float
    source: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "ref": self.ref, "text": self.text, "lang": self.lang,
                "score": round(self.score, 4), "source": self.source}


def ask(index: BankIndex, question: str, k: int = 3, exclude_item_ids: Iterable[str] = (),
        lang: str | None = None, twin_cosine: float = 0.97) -> list[Answer]:
    """The k best explanations and course units for a question, best first.

    Args:
        exclude_item_ids: items whose explanation must not be shown (the open item).
        lang: show passages in this language (None: whichever matches best).
    """
    excluded = list(exclude_item_ids)
    if not question.strip():
        return []
    q = index.embedder.encode_queries([question])[0]
    blocked = set(excluded)
    if excluded:
        twins = index.mask(kinds=["explanation"]) & np.isin(
            np.array([e.ref for e in index.entries], dtype=object), excluded)
        if twins.any():
            near = cosine(index.vectors, index.vectors[twins]).max(axis=1) >= twin_cosine
            blocked |= {e.ref for e, hit in zip(index.entries, near, strict=True) if hit and e.kind == "explanation"}
    hits = index.search_vector(q, k, kinds=ASK_KINDS, exclude_item_ids=blocked, lang=lang)
    return [Answer(h.entry.kind, h.entry.ref, h.entry.text, h.entry.lang, h.score, h.entry.source) for h in hits]
