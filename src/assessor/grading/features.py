"""Features of (answer, target) pairs, with the embedder as the feature extractor.

For every clause c of the answer and phrase p of a target, s(c, p) is the cosine of their *cores* (negation
removed) minus the phrase's off-topic baseline (its highest cosine to a few neutral sentences), so the narrow
e5 band becomes a margin. A clause *agrees* with a phrase when their polarities are equal. The features of the
pair are then (names in FEATURES):

- agree: best margin over agreeing (clause, phrase) pairs; clash: best margin over disagreeing pairs;
  agree_minus_clash;
- top / gap: whether the best agreeing clause is closer to this target than to any other point of the item,
  and by how much;
- overlap: character-bigram overlap (Dice) of the best agreeing clause's core with the phrase core;
- keyword: a keyword hint occurs in an agreeing clause; action: that clause states an action (not a bare word);
- zh: the clause is Chinese; the zh_* copies let the head calibrate the two languages' similarity scales apart;
- short: log length of the clause; same_lang: the best phrase is in the clause's language;
- coverage: mean over the target's phrases in the answer's language of their best agreeing margin (a point
  stated in two clauses, "告诉家属" + "请医生来"); second: the best agreeing margin of another clause;
- list_like: share of the answer's clauses that are bare fragments (no action, ≤ 5 characters or ≤ 2 words);
  clauses: log number of clauses;
- sound: best overlap, over agreeing (clause, phrase) pairs, of pinyin syllable pairs (zh; homophone typos
  such as 消读液 ~ 消毒液) or of character trigrams (en; "sope" ~ "soap"); keywords are found by sound too;
- content: best Dice, over agreeing pairs in one language, of the content characters (zh) or word stems (en)
  once manner words, pronouns and particles are dropped ("不能随便扶他" ~ "不要急着把他扶起来": {扶} ~ {扶}).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assessor.grading.clauses import Clause
from assessor.grading.rubric import Target
from assessor.retrieval.text import find_keyword

_lazy_pinyin: Callable[..., list[str]] | None
try:  # pinyin for homophone typos; without it the sound features fall back to characters
    from pypinyin import lazy_pinyin as _pinyin

    _lazy_pinyin = _pinyin
except ImportError:  # pragma: no cover
    _lazy_pinyin = None

BASE_FEATURES: tuple[str, ...] = (
    "agree", "clash", "agree_minus_clash", "top", "gap", "overlap", "keyword", "action", "short", "same_lang",
    "coverage", "second", "list_like", "clauses", "sound", "content",
)
ZH_COPIES: tuple[str, ...] = ("agree", "clash", "gap", "overlap", "coverage", "sound", "content")
FEATURES: tuple[str, ...] = (*BASE_FEATURES, "zh", *(f"zh_{n}" for n in ZH_COPIES))

ANCHORS: tuple[str, ...] = (
    "今天天气很好，我想出去走走。",
    "我不知道。",
    "我喜欢看电视剧。",
    "这个问题我没听懂。",
    "The weather is nice today.",
    "I don't know.",
    "I like watching football on TV.",
    "My phone needs charging.",
)


@dataclass
class TargetVectors:
    """Phrase core vectors of one target (n_phrases × dim) and their off-topic baselines."""

    vectors: np.ndarray
    baselines: np.ndarray
    polarity: np.ndarray
    langs: tuple[str, ...]


@dataclass(frozen=True)
class PairEvidence:
    """The features of one (answer, target) pair, and the clause that best states the target (or −1)."""

    features: np.ndarray
    clause: int
    keyword: str | None


@lru_cache(maxsize=20000)
def _syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin of the Chinese characters of a text (characters themselves without pypinyin)."""
    cjk = "".join(ch for ch in text if "\u3400" <= ch <= "\u9fff")
    if _lazy_pinyin is None:
        return tuple(cjk)
    return tuple(str(s) for s in _lazy_pinyin(cjk))


def sound_overlap(a: str, b: str, lang: str) -> float:
    """Dice of pinyin syllable pairs (zh) or character trigrams (en), 0..1."""
    if lang == "zh":
        x, y = _syllables(a), _syllables(b)
        xs = {f"{x[i]} {x[i + 1]}" for i in range(len(x) - 1)}
        ys = {f"{y[i]} {y[i + 1]}" for i in range(len(y) - 1)}
    else:
        a, b = re.sub(r"\s+", " ", a.lower()), re.sub(r"\s+", " ", b.lower())
        xs = {a[i : i + 3] for i in range(len(a) - 2)}
        ys = {b[i : i + 3] for i in range(len(b) - 2)}
    return 2 * len(xs & ys) / (len(xs) + len(ys)) if xs and ys else 0.0


def keyword_by_sound(text: str, keywords: list[str]) -> str | None:
    """A Chinese keyword (two or more characters) whose pinyin occurs in the text's pinyin (同音错字)."""
    spoken = " " + " ".join(_syllables(text)) + " "
    for keyword in keywords:
        syl = _syllables(keyword)
        if len(syl) >= 2 and f" {' '.join(syl)} " in spoken:
            return keyword
    return None


_ZH_FUNCTION = re.compile(
    r"随便|随意|轻易|急着|急于|马上|立刻|立即|赶紧|赶快|尽量|好好|慢慢|轻轻|直接|一定|千万|可以|应该|需要|起来|一下|一点|"
    r"[先就再也都还要会能去来给把被让他她它们我你的了着过和跟呢吧啊呗嘛]"
)
_EN_FUNCTION = frozenset(
    ["the", "a", "an", "to", "him", "her", "them", "it", "his", "hers", "their", "its", "you", "i", "we", "me", "us", "my", "your", "at", "once", "immediately", "quickly", "right", "away", "first", "then", "and", "or", "of", "for", "in", "on", "with", "be", "is", "are", "up", "down", "so", "that", "this", "these", "those", "please", "just"])


@lru_cache(maxsize=20000)
def content_units(text: str, lang: str) -> frozenset[str]:
    """Content characters (zh) or crude word stems (en) of a core, function words dropped."""
    if lang == "zh":
        return frozenset(ch for ch in _ZH_FUNCTION.sub("", text) if "\u3400" <= ch <= "\u9fff" or ch.isdigit())
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(re.sub(r"(?:ing|ed|es|s)$", "", w) or w for w in words if w not in _EN_FUNCTION)


def content_overlap(a: str, b: str, lang: str) -> float:
    """Dice of content units, 0..1."""
    x, y = content_units(a, lang), content_units(b, lang)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", " ", text.lower())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def overlap(a: str, b: str) -> float:
    """Dice coefficient of character bigrams (0..1)."""
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def target_vectors(target: Target, phrase_vecs: np.ndarray, anchor_vecs: np.ndarray) -> TargetVectors:
    """Bundle a target's phrase vectors with baselines (max cosine to the anchors)."""
    baselines = (anchor_vecs @ phrase_vecs.T).max(axis=0) if len(anchor_vecs) else np.zeros(len(phrase_vecs))
    polarity = np.array([p.polarity for p in target.phrases])
    return TargetVectors(phrase_vecs, baselines, polarity, tuple(p.lang for p in target.phrases))


def margins(clause_vecs: np.ndarray, tv: TargetVectors) -> np.ndarray:
    """Clause × phrase margins: cosine minus the phrase's baseline."""
    return np.asarray(clause_vecs @ tv.vectors.T - tv.baselines[None, :])


def best_agreeing(clauses: list[Clause], margin: np.ndarray, tv: TargetVectors) -> np.ndarray:
    """Per clause, its best margin over phrases of the same polarity (−1 when none)."""
    pol = np.array([c.polarity for c in clauses])
    agree = pol[:, None] == tv.polarity[None, :]
    return np.where(agree, margin, -1.0).max(axis=1)


def pair_features(clauses: list[Clause], target: Target, margin: np.ndarray, others_best: np.ndarray,
                  tv: TargetVectors) -> PairEvidence:
    """Features of one target against an answer's clauses.

    Args:
        clauses: the answer's clauses (at least one).
        target: the target; margin: clause × phrase margins for it.
        others_best: per clause, the best agreeing margin over the item's *other* points (−1 if none).
        tv: the target's vectors.
    """
    pol = np.array([c.polarity for c in clauses])
    agree = pol[:, None] == tv.polarity[None, :]
    masked_a = np.where(agree, margin, -1.0)
    masked_c = np.where(~agree, margin, -1.0)
    a_best = float(masked_a.max())
    c_best = float(masked_c.max())
    ci, pj = np.unravel_index(int(masked_a.argmax()), masked_a.shape)
    clause = clauses[int(ci)]
    phrase = target.phrases[int(pj)]
    keyword = None
    for c in clauses:
        agrees_declared = c.polarity == target.polarity or len(set(tv.polarity.tolist())) > 1
        if agrees_declared:
            keyword = find_keyword(c.text, list(target.keywords)) or (
                keyword_by_sound(c.text, list(target.keywords)) if c.lang == "zh" else None)
            if keyword:
                break
    gap = a_best - float(others_best[int(ci)])
    ov = max((overlap(clause.core, p.core) for p in target.phrases if p.polarity == clause.polarity), default=0.0)
    zh = 1.0 if clause.lang == "zh" else 0.0
    answer_lang = max(("zh", "en"), key=lambda lang: sum(c.lang == lang for c in clauses))
    same = [j for j, p in enumerate(target.phrases) if p.lang == answer_lang] or list(range(len(target.phrases)))
    coverage = float(masked_a[:, same].max(axis=0).mean())
    per_clause = masked_a.max(axis=1)
    second = float(np.delete(per_clause, int(ci)).max()) if len(clauses) > 1 else -1.0
    sound = max((sound_overlap(c.core, p.core, c.lang) for c in clauses for p in target.phrases
                 if p.polarity == c.polarity and p.lang == c.lang), default=0.0)
    content = max((content_overlap(c.core, p.core, c.lang) for c in clauses for p in target.phrases
                   if p.polarity == c.polarity and p.lang == c.lang), default=0.0)
    bare = [not c.has_action and (len(c.core) <= 5 if c.lang == "zh" else len(c.core.split()) <= 2) for c in clauses]
    base = {
        "agree": a_best, "clash": c_best, "agree_minus_clash": a_best - c_best, "top": float(gap > 0),
        "gap": gap, "overlap": ov, "keyword": float(keyword is not None), "action": float(clause.has_action),
        "short": math.log1p(len(clause.core)), "same_lang": float(phrase.lang == clause.lang),
        "coverage": coverage, "second": second, "list_like": sum(bare) / len(bare), "clauses": math.log(len(clauses)),
        "sound": sound, "content": content,
    }
    values = [base[n] for n in BASE_FEATURES] + [zh] + [zh * base[n] for n in ZH_COPIES]
    return PairEvidence(np.array(values, dtype=np.float64), int(ci), keyword)
