"""Near-duplicate detection between items by text similarity (no model needed).

similarity(x, y) = max over languages of the Jaccard index of the two items' text shingles, where an item's text is
its stem plus its options (or rubric points), shingles are character bigrams for Chinese and word bigrams for
English. Two items at or above `NEAR_DUPLICATE` test the same thing in nearly the same words.
"""

from __future__ import annotations

import re
from itertools import combinations

from assessor.bank.schema import Item

NEAR_DUPLICATE = 0.6
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _text(item: Item, lang: str) -> str:
    parts = [item.stem.get(lang)]
    parts += [o.text(lang) for o in item.options if item.type != "true_false"]
    parts += [r.text(lang) for r in item.rubric]
    return " ".join(parts)


def shingles(item: Item, lang: str) -> frozenset[str]:
    text = _text(item, lang).lower()
    if lang == "zh":
        chars = _PUNCT.sub("", text)
        return frozenset(chars[i : i + 2] for i in range(len(chars) - 1))
    words = [w for w in _PUNCT.split(text) if w]
    return frozenset(" ".join(words[i : i + 2]) for i in range(len(words) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def near_duplicates(items: list[Item], threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """Pairs of item ids with similarity ≥ threshold, most similar first."""
    sets = {item.id: (shingles(item, "zh"), shingles(item, "en")) for item in items}
    out = []
    for x, y in combinations(items, 2):
        (xz, xe), (yz, ye) = sets[x.id], sets[y.id]
        score = max(jaccard(xz, yz), jaccard(xe, ye))
        if score >= threshold:
            out.append((x.id, y.id, round(score, 3)))
    return sorted(out, key=lambda row: -row[2])
