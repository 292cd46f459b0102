"""A spoken answer to a tap item, turned into option ids: never a guess.

Choice items (`match_choice`), in this order:
1. rules: a position ("第二个", "2号", "the second one", "number two"), a letter ("选B", "B", "option b", "bee"),
   or for true/false items the words for true and false ("对"/"不对", "true"/"wrong");
2. the option's own words: pinyin-syllable similarity for Chinese (so 我先第二个 still sounds like 我选第二个 and
   受伤 like 手上), word-character similarity for English;
3. meaning, through the embedder, when one is given.
Each of 2 and 3 needs the best option ahead of the next by a margin; otherwise there is no match and the
worker is asked to tap or say it again. The caller shows the match highlighted for one tap to confirm.

Ordering items (`match_order`): a spoken sequence of letters or positions ("B D E A C", "二四五一三",
"second, fourth, ...") that names every step exactly once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

import numpy as np

from assessor.bank.schema import Item

Method = Literal["rule", "words", "meaning", "none"]

ZH_DIGITS = {"一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
EN_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
               "forth": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "eighth": 8, "last": -1}
EN_NUMBERS = {"one": 1, "two": 2, "to": 2, "too": 2, "three": 3, "four": 4, "for": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, **{str(n): n for n in range(1, 9)}}
EN_LETTERS = {**{c: c for c in "abcdefgh"}, "ay": "a", "bee": "b", "be": "b", "see": "c", "sea": "c", "cee": "c",
              "dee": "d", "ee": "e", "ef": "f", "eff": "f", "gee": "g"}
ZH_LETTERS = {"诶": "a", "欸": "a", "哎": "a", "比": "b", "必": "b", "币": "b", "逼": "b", "西": "c", "希": "c",
              "吸": "c", "滴": "d", "迪": "d", "低": "d", "弟": "d"}
EN_FILLER = {"i", "i'll", "ill", "choose", "chose", "pick", "picked", "select", "the", "it's", "its", "it", "is",
             "answer", "my", "think", "go", "with", "option", "letter", "number", "one", "choice", "um", "uh",
             "er", "okay", "ok", "well", "that", "this", "say", "want", "would", "like", "take", "a", "an", "please"}
EN_TRUE: tuple[str, ...] = ("true", "right", "correct", "yes", "yeah")
EN_FALSE: tuple[str, ...] = ("false", "wrong", "incorrect", "not true", "not right", "not correct", "no")
ZH_TRUE: tuple[str, ...] = ("没错", "不错", "正确", "对", "是的", "是对的")
ZH_FALSE: tuple[str, ...] = ("不对", "不正确", "错", "不是")

ZH_UNSURE: tuple[str, ...] = ("不知道", "不清楚", "不太清楚", "不晓得", "想想", "没学过", "不会", "不懂", "不记得", "忘了", "说不好")
EN_UNSURE: tuple[str, ...] = ("don't know", "do not know", "dont know", "not sure", "no idea", "let me think", "never learned",
             "don't remember", "can't remember", "forgot", "no clue")
STRONG_WORDS = 0.8    # an option's own words said this closely beat rules and "not sure" words inside it

WORDS_FLOOR = 0.5     # best option's word/pinyin similarity at least this …
WORDS_MARGIN = 0.15   # … and this far ahead of the next option
MEANING_FLOOR = 0.80  # e5 cosine of the answer and the best option …
MEANING_MARGIN = 0.03  # … and this far ahead of the next option


@dataclass(frozen=True)
class Match:
    """Option ids heard (empty: no match), how they were found, and the per-option scores behind it."""

    option_ids: tuple[str, ...]
    method: Method
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def option_id(self) -> str | None:
        """The single option heard, or None (no match, or several for a multiple-choice item)."""
        return self.option_ids[0] if len(self.option_ids) == 1 else None


NO_MATCH = Match((), "none")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, punctuation to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) and ch != "'" else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def _by_position(ids: Sequence[str], positions: Sequence[int]) -> list[str]:
    out = []
    for position in positions:
        if position == -1:
            out.append(ids[-1])
        elif 1 <= position <= len(ids):
            out.append(ids[position - 1])
        else:
            out.append("?")  # a position the item does not have: never a match
    return out


def _zh_number(token: str) -> int:
    return int(token) if token.isdigit() else ZH_DIGITS[token]


def _rule_hits(text: str, item: Item, lang: str) -> list[str]:
    """Option ids named by position, letter or true/false words, in the order they were said."""
    ids = item.option_ids
    hits: list[tuple[int, str]] = []
    if lang == "zh":
        # 第一名 / 第一次 / 第一天 … are words of an option ("拿了第一名"), not its position
        for m in re.finditer(r"第\s*([一二两三四五六七八1-8])(?![名次天时回遍年月周批])|([一二两三四五六七八1-8])\s*号", text):
            hits.append((m.start(), _by_position(ids, [_zh_number(m.group(1) or m.group(2))])[0]))
        for m in re.finditer(r"(?:选项?|答案是?|是)\s*([一二两三四五六1-6])\s*(?:个|项)?(?![一-龥])", text):
            if not any(abs(m.start() - s) < 4 for s, _ in hits):
                hits.append((m.start(), _by_position(ids, [_zh_number(m.group(1))])[0]))
        bare = re.sub(r"[我选择项答案是就吧呢啊嗯那个这的了\s]", "", text)
        for m in re.finditer(r"(?<![a-z])([a-h])(?![a-z])", text):
            if len(bare) <= 2 or re.search(r"(选项?|答案是?|是|[a-h]\s*(和|跟|还有|与)?)\s*$", text[: m.start()]):
                hits.append((m.start(), m.group(1)))
        for m in re.finditer(r"(?:选项?|答案是?)\s*([诶欸哎比必币逼西希吸滴迪低弟])", text):
            hits.append((m.start(), ZH_LETTERS[m.group(1)]))
        if item.type == "true_false" and not hits:
            for words, value in ((ZH_TRUE[:2], "t"), (ZH_FALSE, "f"), (ZH_TRUE, "t")):
                found = [text.find(w) for w in words if w in text]
                if found:
                    hits.append((min(found), value))
                    break
    else:
        tokens = text.split()
        for i, token in enumerate(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            prev = tokens[i - 1] if i else ""
            if token in EN_ORDINALS and (nxt in ("one", "option", "answer", "choice", "") or len(tokens) <= 4):
                hits.append((i, _by_position(ids, [EN_ORDINALS[token]])[0]))
            elif prev in ("number", "option", "answer", "choice", "letter") and token in {**EN_NUMBERS, **EN_LETTERS}:
                if token in EN_LETTERS and prev != "number":
                    hits.append((i, EN_LETTERS[token]))
                elif token in EN_NUMBERS:
                    hits.append((i, _by_position(ids, [EN_NUMBERS[token]])[0]))
        if not hits:
            rest = [t for t in tokens if t not in EN_FILLER or t in ("a", "one")]
            rest = [t for t in rest if t not in ("the", "i")]
            core = [t for t in rest if t not in ("one",)] or rest
            if len(core) == 1 and core[0] in EN_LETTERS and len(tokens) <= 5:
                hits.append((0, EN_LETTERS[core[0]]))
            elif len(core) == 1 and core[0] in EN_NUMBERS and len(tokens) <= 4:
                hits.append((0, _by_position(ids, [EN_NUMBERS[core[0]]])[0]))
        if item.type == "true_false" and not hits:
            padded = f" {text} "
            for words, value in ((EN_FALSE, "f"), (EN_TRUE, "t")):
                if any(f" {w} " in padded for w in words):
                    hits.append((0, value))
                    break
    return [option for _, option in sorted(hits)]


def _pinyin(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    out: list[str] = []
    for syllable in lazy_pinyin(text, style=Style.NORMAL, errors="default"):
        out.extend(syllable.split())
    return [s for s in out if s.strip()]


_EN_STOP = {"the", "a", "an", "and", "or", "of", "to", "it", "is", "i", "you", "your", "on", "in", "with", "then",
            "so", "at", "for", "be", "that", "this", "um", "uh", "choose", "pick", "answer", "would", "will"}


def _en_words(text: str) -> list[str]:
    return [w.rstrip("s") if len(w) > 3 else w for w in text.split() if w not in _EN_STOP]


def _sounds(text: str, lang: str) -> str:
    """What is compared: pinyin syllables without tones (zh, so homophones and near-homophones agree) or the
    content words (en), as one space-separated string."""
    return " ".join(_pinyin(text)) if lang == "zh" else " ".join(_en_words(text))


def similarity(heard: str, option: str) -> float:
    """0..1: how much of what was said is found in the option (weight 0.6) and how much of the option was said
    (0.4), counting characters of the longest common blocks (difflib), so a partial answer still scores."""
    if not heard or not option:
        return 0.0
    matcher = SequenceMatcher(None, heard, option, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return 0.6 * same / len(heard) + 0.4 * same / len(option)


def word_scores(text: str, item: Item, lang: str) -> dict[str, float]:
    """Similarity in 0..1 of what was said to each option's words: pinyin letters (zh) or the characters of
    the content words (en)."""
    heard = _sounds(text, lang)
    return {option.id: similarity(heard, _sounds(normalise(option.get(lang)), lang)) for option in item.options}


def _decide(scores: dict[str, float], floor: float, margin: float) -> str | None:
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < floor:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin:
        return None
    return ranked[0][0]


def meaning_scores(text: str, item: Item, lang: str, embedder: Any) -> dict[str, float]:
    """Cosine of the answer and each option's text through `embedder` (an `Embedder`)."""
    vectors = embedder.encode_queries([text, *(option.get(lang) for option in item.options)])
    sims = np.asarray(vectors[1:], dtype=np.float32) @ np.asarray(vectors[0], dtype=np.float32)
    return {option.id: float(s) for option, s in zip(item.options, sims, strict=True)}


def match_choice(text: str, item: Item, lang: str, embedder: Any = None) -> Match:
    """The option(s) a spoken answer names for a single-choice, true/false or multiple-choice item, or NO_MATCH
    when it is unclear. Several distinct options are a match only for multiple choice."""
    if not item.options or item.type in ("ordering", "open_scenario"):
        return NO_MATCH
    clean = normalise(text)
    if not clean:
        return NO_MATCH
    words = word_scores(clean, item, lang)
    exact = [option for option, score in words.items() if score >= 0.999]
    strong = exact[0] if len(exact) == 1 else _decide(words, STRONG_WORDS, WORDS_MARGIN)
    if strong is not None:  # she read the option out, which may itself say "第一次" or "not sure"
        return Match((strong,), "words", words)
    if any(phrase in clean for phrase in (ZH_UNSURE if lang == "zh" else EN_UNSURE)):
        return Match((), "none", words)
    hits = _rule_hits(clean, item, lang)
    if hits:
        distinct = tuple(dict.fromkeys(hits))
        if "?" in distinct or any(h not in item.option_ids for h in distinct):
            return NO_MATCH
        if len(distinct) == 1 or item.type == "multiple_choice":
            return Match(tuple(sorted(distinct, key=item.option_ids.index)), "rule")
        return NO_MATCH  # "不是B，是C": say it again rather than guess
    best = _decide(words, WORDS_FLOOR, WORDS_MARGIN)
    if best is not None:
        return Match((best,), "words", words)
    if embedder is None:
        return Match((), "none", words)
    meaning = meaning_scores(clean, item, lang, embedder)
    best = _decide(meaning, MEANING_FLOOR, MEANING_MARGIN)
    top_words = max(words, key=lambda k: words[k]) if words else None
    if best is not None and (top_words == best or words.get(top_words or "", 0.0) < 0.4):
        return Match((best,), "meaning", meaning)
    return Match((), "none", meaning)


def _sequence_tokens(text: str, lang: str, ids: Sequence[str]) -> list[str]:
    """Letters or positions in the order said, as option ids ("?" for a position the item lacks)."""
    out: list[str] = []
    if lang == "zh":
        for m in re.finditer(r"[a-h]+|[一二两三四五六七八1-8]", text):
            token = m.group(0)
            if token[0] in "abcdefgh":
                out.extend(token)  # "bdeac" run together
            else:
                out.extend(_by_position(ids, [_zh_number(token)]))
        return out
    for token in text.split():
        if token in EN_ORDINALS or token in EN_NUMBERS:
            value = EN_ORDINALS.get(token) or EN_NUMBERS[token]
            out.extend(_by_position(ids, [value]))
        elif token in EN_LETTERS and token not in ("a", "be", "see") or (token in ("a", "be", "see") and out):
            out.append(EN_LETTERS[token])
        elif re.fullmatch(r"[a-h]{2,8}", token) and len(set(token)) == len(token) and set(token) <= set(ids):
            out.extend(token)
    return out


def match_order(text: str, item: Item, lang: str) -> Match:
    """The full order of an ordering item from a spoken sequence of letters or positions, or NO_MATCH unless
    every step is named exactly once."""
    if item.type != "ordering":
        return NO_MATCH
    ids = item.option_ids
    sequence = _sequence_tokens(normalise(text), lang, ids)
    if sorted(sequence) == sorted(ids) and len(set(sequence)) == len(ids):
        return Match(tuple(sequence), "rule")
    return NO_MATCH
