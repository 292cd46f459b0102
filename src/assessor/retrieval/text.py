"""Small text helpers shared by grading, placement and the gate: language detection, clause splitting,
negation and instruction-injection cues. Pure functions, no model."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_CLAUSE_SPLIT = re.compile(
    r"[。！？!?；;\n\r]+|[，,、：:]\s*|\.(?:\s+|$)|\s+(?:and then|then|after that|next|also|finally|and)\s+|"
    r"(?:然后|接着|之后|再者|同时|并且|最后|还要|再)(?=\S)"
)

_LEADING = re.compile(r"^(?:and then|then|and|also|next|finally|after that|first(?:ly)?|second(?:ly)?)\b[\s,]*|^(?:首先|然后|接着|最后)(?=\S{2})", re.IGNORECASE)


def normalise_text(text: str) -> str:
    """NFKC (full-width to half-width), collapsed whitespace, stripped."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def detect_lang(text: str) -> str | None:
    """'zh' when Chinese characters make up at least 30% of the letters, 'en' when Latin letters dominate,
    None for text with neither (digits, punctuation, empty)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0 and latin == 0:
        return None
    # A Chinese character carries about as much as a 3-4 letter word: weigh it up.
    return "zh" if cjk * 3 >= 0.3 * (cjk * 3 + latin) else "en"


def split_clauses(text: str) -> list[str]:
    """Sentences and clauses of an answer (Chinese and English punctuation, step connectors)."""
    parts = [_LEADING.sub("", p.strip(" -*·•\t")) for p in _CLAUSE_SPLIT.split(normalise_text(text))]
    return [p for p in parts if p and (_CJK.search(p) or len(p) >= 3)]


def spans(text: str, window: int = 2) -> list[str]:
    """Candidate evidence spans: every clause and every run of up to `window` adjacent clauses."""
    clauses = split_clauses(text)
    out: list[str] = []
    for size in range(1, window + 1):
        for start in range(0, len(clauses) - size + 1):
            joined = ("，" if detect_lang(clauses[start]) == "zh" else ", ").join(clauses[start : start + size])
            if joined not in out:
                out.append(joined)
    return out


_NEGATION = re.compile(
    r"不要|不能|不可|不得|别|勿|禁止|避免|切忌|不应|不用|无需|"
    r"\b(?:do not|don't|dont|never|not|no|avoid|without|shouldn't|must not|mustn't|can't|cannot)\b",
    re.IGNORECASE,
)


def has_negation(text: str) -> bool:
    """Whether a text states a prohibition or negation ('不要扶', "don't lift")."""
    return bool(_NEGATION.search(text))


_INJECTION = re.compile(
    r"(give|award|grant|mark|score)\s+(me|this|it|the answer)?\s*(full|max(imum)?|100|all|top|perfect)\s*(marks?|points?|score|credit)?|"
    r"full\s+(marks?|score|credit)|"
    r"(ignore|disregard|forget|skip)\s+(all\s+|any\s+|your\s+)?(the\s+)?(previous|above|prior|earlier|rubric|rules?|"
    r"instructions?|scoring|marking|grading|criteria)|override|"
    r"\b(system|assistant)\s*(prompt|:)|you are (now )?(a |the |my )?(trainer|teacher|examiner|grader|assessor)|"
    r"i am (the |a |your )?(trainer|teacher|examiner|grader|admin)|as (the |a |your )?(trainer|examiner)|"
    r"(score|grade|mark)\s*(=|:|is|as)\s*\d|pretend|role-?play|jailbreak|"
    r"满分|给我?(打)?(高分|满分|100分|一百分)|打满分|忽略(之前|上面|以上|前面|所有|评分|规则|标准|要点)|"
    r"无视(之前|上面|以上|规则|评分|标准)|不要管(评分|规则|标准)|"
    r"我是(培训师|老师|考官|评分员|管理员)|你(现在)?是(培训师|老师|考官|评分员)|系统提示|扮演|"
    r"(评分|分数|得分)\s*(=|:|：|为|是)\s*\d|算我(全对|对)|(这题|这道题)?(算|判|给)(我)?(对|全对|正确)",
    re.IGNORECASE,
)


def is_instruction(text: str) -> bool:
    """Whether a span talks to the grader instead of answering (prompt injection, role-play, asks for marks)."""
    return bool(_INJECTION.search(normalise_text(text)))


def find_keyword(span: str, keywords: Sequence[str]) -> str | None:
    """The first keyword found in `span`: whole words for Latin keywords, loose match for Chinese ones."""
    lowered = span.lower()
    for keyword in keywords:
        kw = normalise_text(keyword).lower()
        if not kw:
            continue
        if re.search(r"[A-Za-z0-9]", kw) and not re.search(r"[\u3400-\u9fff]", kw):
            if re.search(rf"(?<![a-z0-9]){re.escape(kw)}(?![a-z0-9])", lowered):
                return keyword
        elif kw in lowered or _loose_cjk(kw).search(lowered):
            return keyword
    return None


def _loose_cjk(keyword: str) -> re.Pattern[str]:
    """A Chinese keyword with up to two other characters (not punctuation) between its characters, so
    "别扶" finds "别急着扶" and "家人" finds "家里人"."""
    pattern = _LOOSE.get(keyword)
    if pattern is None:
        parts = [re.escape(ch) for ch in keyword]
        pattern = _LOOSE[keyword] = re.compile(r"[^，。；、,.;!?！？\s]{0,2}".join(parts))
    return pattern


_LOOSE: dict[str, re.Pattern[str]] = {}
