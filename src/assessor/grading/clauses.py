"""Clauses of an answer and the polarity of the action each one states (zh and en). Pure functions, no model.

A clause is one instruction: "先别急着扶他", "call 120". Its *polarity* is +1 when it says to do the action and
−1 when it says not to ("不用给他翻身", "no need to wear gloves"). Negation markers flip the polarity once each,
so double negation ("不能不打120") is +1; a negated "forget/delay" verb ("别忘了…", "don't forget to…",
"不要耽误") is a flip too, so it reads as "do". The clause's *core* is the action with the markers removed
("不能随便扶" → "随便扶"); comparing cores and then polarities is how "不能随便扶" earns the point
"不要急着扶起来" while "不用给他翻身" does not earn "给他翻身".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessor.retrieval.text import detect_lang, normalise_text

MAX_CLAUSES = 14  # more are merged pairwise (long rambling answers): keeps grading under ~150 ms

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Split points. "而不是/instead of/rather than/without" start a new (negated) clause and stay in it.
_ZH_SPLIT = re.compile(
    r"[。！？!?；;\n\r]+|[，,、：:]\s*|…+|(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])|"
    r"(?:然后|接着|之后再|随后|并且|同时|还要|另外|此外|最后)(?=\S)|(?=而不是)"
)
_EN_SPLIT = re.compile(
    r"[!?;\n\r]+|\.(?:\s+|$)|,\s*|:\s+|\s+-\s+|"
    r"\s+(?:and then|then|after that|afterwards|next|also|finally|but|or else|so that)\s+|"
    r"\s+(?=(?:without|instead of|rather than)\b)",
    re.IGNORECASE,
)
_EN_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_LEADING = re.compile(
    r"^(?:and then|then|and|also|next|finally|after that|first(?:ly)?|second(?:ly)?|third(?:ly)?|step \d+|\d+[.)、]|"
    r"首先|其次|第[一二三四五六七八九十\d]+(?:步)?|先|然后|接着|最后|再|还有|还)[\s,，:：]*",
    re.IGNORECASE,
)

# Chinese negation markers, longest first. "不" alone is a marker unless it is part of a word below.
_ZH_NEG = (
    "千万不要", "千万别", "绝对不要", "绝对不能", "一定不要", "一定不能", "没有必要", "没必要", "不需要", "不用", "无需",
    "无须", "不必", "不要", "不能", "不可以", "不可", "不得", "不应该", "不应", "不该", "不许", "不准", "不宜", "不会",
    "禁止", "切忌", "切勿", "勿", "避免", "防止", "别", "甭", "没有", "没", "未", "不",
)
_ZH_NOT_NEG = (
    "不舒服", "不小心", "不对劲", "不对", "不停", "不了", "不起", "不住", "不到", "不动", "不出", "不下", "不清",
    "不同", "不少", "不断", "不适", "不良", "不安", "不稳", "不便", "不足", "不够", "不过", "不然", "不管", "不论",
    "不仅", "不但", "不久", "不一定", "不大", "不太", "不好意思", "不知道", "不懂", "不行", "不开心", "不高兴",
    "不愿意", "不肯", "不方便", "不是很", "没事", "没关系", "没问题", "没什么", "没人", "不止", "差不多",
)
# "forget / delay"-like verbs: negating them means "do" ("别忘了关火").
_ZH_FLIP = ("忘记", "忘了", "忘掉", "忘", "忽视", "忽略", "耽误", "耽搁", "拖延", "犹豫")

_EN_NEG = re.compile(
    r"\b(?:do not|don't|dont|does not|doesn't|did not|didn't|never|not|no need to|no need for|needn't|need not|"
    r"no|without|avoid(?:ing)?|instead of|rather than|shouldn't|should not|must not|mustn't|can't|cannot|can not|"
    r"won't|will not|stop|refrain from|prevent(?:ing)?|nobody|none)\b",
    re.IGNORECASE,
)
_EN_FLIP = re.compile(r"\b(?:forget(?:ting)?|forgot|neglect(?:ing)?|delay(?:ing)?|hesitate|fail(?:ing)? to|ignore)\b",
                      re.IGNORECASE)
_EN_FILLER = re.compile(r"\b(?:to|you|we|i|should|must|need|have to|please|just|really|at all|any|ever)\b",
                        re.IGNORECASE)
_ZH_FILLER = re.compile(r"^(?:我会|我就|我要|我们|你要|你就|要|就|先|应该|需要|得|还|也|赶紧|马上)+")

_ZH_NEG_RE = re.compile("|".join(re.escape(w) for w in sorted(_ZH_NOT_NEG, key=len, reverse=True))
                        + "|" + "|".join(re.escape(w) for w in _ZH_NEG))
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_ZH_FLIP_RE = re.compile("|".join(re.escape(w) for w in _ZH_FLIP))

# Action verbs: a clause with none of them (and short) is a bare keyword, not an instruction.
_ZH_VERB = re.compile(
    r"[打叫扶给用洗擦问看查告通保放换关开拿喂抱盖喝吃送带做让帮戴穿脱记观测量按压冲泡晒叠收整清扫拖挂铺剪切煮炒蒸"
    r"热敷包贴涂抹移搬抬翻坐躺站走跑等陪安慰说讲听报联请找买准备处理避免防止注意离靠扔丢倒装存分隔擦拭晾熨缝泡"
    r"叠摆烧烤炖削剥接抽拔推拉摸抓握抬垫扣系解剪修检测称量冲调喂哄逗拍唱读教劝提醒催签核退交还存取锁藏守护]"
)
_EN_VERB = re.compile(
    r"\b(?:call|tell|ask|check|wash|keep|put|give|use|wear|open|close|turn|lift|move|clean|dry|cover|hold|stay|"
    r"wait|get|take|make|let|help|report|inform|record|write|watch|look|see|feed|change|remove|apply|press|cool|"
    r"heat|boil|cook|cut|store|separate|rinse|wipe|sweep|mop|hang|fold|iron|sort|throw|leave|stop|avoid|talk|"
    r"explain|listen|reassure|comfort|explain|support|sit|lie|stand|bring|send|contact|phone|ring|follow|"
    r"measure|test|try|go|run|add|mix|soak|spray|air|ventilate|lock|switch|unplug|protect|prevent|say|show|"
    r"teach|remind|agree|refuse|return|sign|pay|ensure|make sure|find|fix|prepare|offer|encourage|"
    r"disinfect|sterili[sz]e|pat|burp|bathe|dress|undress|lay|place|raise|lower|support|seek|notify|alert|"
    r"document|note|monitor|observe|do|be|is|are|have|has|don't|never|no)(?:s|es|ed|d|ing)?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause:
    """One clause: its text as written, the action core (negation removed), polarity (+1 do, −1 do not),
    language ('zh'/'en'), and whether it states an action (not a bare keyword)."""

    text: str
    core: str
    polarity: int
    lang: str
    has_action: bool

    @property
    def negated(self) -> bool:
        return self.polarity < 0


def _zh_polarity(text: str) -> tuple[int, str]:
    """(polarity, core) of a Chinese clause."""
    flips = 0

    def drop(match: re.Match[str]) -> str:
        nonlocal flips
        word = match.group(0)
        if word in _ZH_NOT_NEG:
            return word
        flips += 1
        return ""

    text = _A_NOT_A.sub(r"\1", text)  # 有没有, 是不是, 要不要: a question, not a negation
    core = _ZH_NEG_RE.sub(drop, text)
    negated_before_flip = flips % 2 == 1
    if _ZH_FLIP_RE.search(core):
        core = _ZH_FLIP_RE.sub("", core)
        if negated_before_flip or not flips:
            flips += 1
    core = _ZH_FILLER.sub("", core.strip(" ，,了")).strip() or text
    return (-1 if flips % 2 else 1), core


def _en_polarity(text: str) -> tuple[int, str]:
    """(polarity, core) of an English clause."""
    flips = len(_EN_NEG.findall(text)) + len(_EN_FLIP.findall(text))
    core = _EN_FLIP.sub(" ", _EN_NEG.sub(" ", text))
    core = re.sub(r"\s+", " ", _EN_FILLER.sub(" ", core)).strip(" ,.") or text
    return (-1 if flips % 2 else 1), core


def clause_of(text: str, lang: str | None = None) -> Clause:
    """Analyse one clause: language, polarity, core and action presence."""
    text = normalise_text(text)
    lang = lang or detect_lang(text) or "en"
    if lang == "zh" or _CJK.search(text):
        polarity, core = _zh_polarity(text)
        cjk = len(_CJK.findall(text))
        has_action = bool(_ZH_VERB.search(text)) or cjk > 8 or bool(_EN_VERB.search(text))
    else:
        polarity, core = _en_polarity(text)
        has_action = bool(_EN_VERB.search(text)) or len(text.split()) > 4
    return Clause(text, core, polarity, lang, has_action)


def _split_en_and(part: str) -> list[str]:
    """Split "keep him warm and call his family" but not "clean and dry": both sides need two words."""
    pieces = _EN_AND.split(part)
    out = [pieces[0]]
    for piece in pieces[1:]:
        if len(piece.split()) >= 2 and len(out[-1].split()) >= 2:
            out.append(piece)
        else:
            out[-1] = f"{out[-1]} and {piece}"
    return out


def split_answer(text: str) -> list[str]:
    """The clauses of an answer as written (zh and en punctuation, step connectors, "without …" clauses)."""
    text = normalise_text(text)
    out: list[str] = []
    for part in _ZH_SPLIT.split(text):
        if not part or not part.strip():
            continue
        for piece in _EN_SPLIT.split(part) if not _CJK.search(part) else [part]:
            if not piece:
                continue
            for sub in _split_en_and(piece) if not _CJK.search(piece) else [piece]:
                sub = _LEADING.sub("", sub.strip(" -*·•\t\"'“”‘’()（）[]【】")).strip()
                if sub and (_CJK.search(sub) or len(re.findall(r"[A-Za-z0-9]", sub)) >= 2):
                    out.append(sub)
    while len(out) > MAX_CLAUSES:  # merge the shortest adjacent pair
        lengths = [len(out[i]) + len(out[i + 1]) for i in range(len(out) - 1)]
        i = lengths.index(min(lengths))
        sep = "，" if _CJK.search(out[i]) else ", "
        out[i : i + 2] = [out[i] + sep + out[i + 1]]
    return out


def is_list_like(found: list[Clause]) -> bool:
    """A bare list of keywords: at least three clauses, three quarters of them short (≤ 4 characters or ≤ 2
    words) and none longer than 10 characters or 4 words."""
    if len(found) < 3:
        return False

    def size(c: Clause) -> int:
        return len(c.text.replace(" ", "")) if c.lang == "zh" else len(c.text.split())

    short = sum(size(c) <= (4 if c.lang == "zh" else 2) for c in found)
    return short >= 0.75 * len(found) and all(size(c) <= (10 if c.lang == "zh" else 4) for c in found)


def clauses(text: str) -> list[Clause]:
    """Split an answer and analyse every clause."""
    return [clause_of(part) for part in split_answer(text)]
