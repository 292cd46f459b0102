"""Markdown we wrote (questions, feedback, results in the transcript) as plain text for tables, CSV and PDF.

Only the markup our own messages use is removed: headings, bold and italic markers, table rules and backslash
escapes. Text a worker typed is never Markdown and is passed through unchanged by the callers.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.DOTALL)
_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", re.DOTALL)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$\n?", re.MULTILINE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+!|~>-])")


def markdown_plain(text: str) -> str:
    """`text` without Markdown markup: "**第 1 题**" → "第 1 题", "_请选一个答案。_" → "请选一个答案。"."""
    out = _TABLE_RULE.sub("", str(text))
    out = _HEADING.sub("", out)
    out = _BOLD.sub(r"\2", out)
    out = _ITALIC.sub(r"\2", out)
    return _ESCAPE.sub(r"\1", out)
