"""Spoken-choice cases made from the bank, for tests and `bench/voice.py`: what a worker says to pick an
option, as a transcript would show it.

Per active single-choice or true/false item, one option drawn at random: its position ("我选第二个" /
"The second one."), its letter ("选B" / "Option B."), its words, the first part of its words, its words with
heard errors (zh: two characters swapped for homophones from the bank; en: a word dropped and one clipped),
and a "not sure" answer that must match nothing.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from assessor.bank.load import Bank
from assessor.bank.schema import Item

ZH_NUMERALS = "一二三四五六七八"
EN_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
ZH_UNSURE = ("我也不太清楚", "不知道", "嗯，让我想想", "这个我没学过")
EN_UNSURE = ("I don't know.", "Hmm, let me think.", "I am not sure.", "I never learned this.")


@dataclass(frozen=True)
class SpokenCase:
    """One transcript for `item` and the option ids it must match (empty: must match nothing)."""

    item: Item
    text: str
    expect: tuple[str, ...]
    kind: str


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _homophones(bank: Bank) -> dict[str, list[str]]:
    from pypinyin import lazy_pinyin

    found: dict[str, set[str]] = {}
    for item in bank.items.values():
        for ch in item.stem.zh:
            if _is_han(ch):
                found.setdefault(lazy_pinyin(ch)[0], set()).add(ch)
    return {key: sorted(chars) for key, chars in found.items()}


def _misheard(text: str, lang: str, homophones: dict[str, list[str]], rng: random.Random) -> str:
    if lang == "zh":
        from pypinyin import lazy_pinyin

        chars = list(text)
        for i in rng.sample([i for i, ch in enumerate(chars) if _is_han(ch)], min(2, sum(map(_is_han, chars)))):
            others = [ch for ch in homophones.get(lazy_pinyin(chars[i])[0], []) if ch != chars[i]]
            if others:
                chars[i] = rng.choice(others)
        return "".join(chars)
    words = text.split()
    if len(words) > 3:
        i = rng.randrange(len(words))
        words[i] = words[i][:-1] if len(words[i]) > 3 else words[i]
        del words[rng.randrange(len(words))]
    return " ".join(words)


def _first_part(text: str, lang: str) -> str:
    if lang == "zh":
        parts = [p for p in re.split(r"[，,；;、]", text) if p]
        return parts[0] if len(parts) > 1 and len(parts[0]) >= 4 else text[: max(4, int(len(text) * 0.7))]
    words = text.split()
    return " ".join(words[: max(3, int(len(words) * 0.7))])


def spoken_cases(bank: Bank, lang: str, *, seed: int = 1, limit: int | None = None) -> list[SpokenCase]:
    """The spoken-choice cases for `lang` over (at most `limit`) active single-choice and true/false items."""
    rng = random.Random(seed)
    homophones = _homophones(bank) if lang == "zh" else {}
    items = sorted((i for i in bank.items.values() if i.status == "active" and i.type in ("single_choice", "true_false")),
                   key=lambda i: i.id)
    rng.shuffle(items)
    cases: list[SpokenCase] = []
    for item in items[:limit]:
        k = rng.randrange(len(item.options))
        option = item.options[k]
        expect = (option.id,)
        if item.type == "single_choice":
            if lang == "zh":
                cases += [SpokenCase(item, f"我选第{ZH_NUMERALS[k]}个", expect, "position"),
                          SpokenCase(item, f"选{option.id.upper()}", expect, "letter")]
            else:
                cases += [SpokenCase(item, f"The {EN_ORDINAL_WORDS[k]} one.", expect, "position"),
                          SpokenCase(item, f"Option {option.id.upper()}.", expect, "letter")]
        words = option.get(lang)
        cases += [SpokenCase(item, words, expect, "words"),
                  SpokenCase(item, _first_part(words, lang), expect, "first_part"),
                  SpokenCase(item, _misheard(words, lang, homophones, rng), expect, "misheard"),
                  SpokenCase(item, rng.choice(ZH_UNSURE if lang == "zh" else EN_UNSURE), (), "unsure")]
    return cases
