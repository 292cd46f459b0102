"""Find the glossary's technical words in a text, so a front end can make them tappable.

`find_terms` scans left to right and takes, at each position, the longest term or alias that starts there
(Chinese: plain substring; English: whole words, case-insensitive); matches never overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assessor.bank.schema import GlossaryTerm


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    text: str
    term: GlossaryTerm


def _pattern(terms: Iterable[GlossaryTerm], lang: str) -> tuple[re.Pattern[str] | None, dict[str, GlossaryTerm]]:
    by_form: dict[str, GlossaryTerm] = {}
    for term in terms:
        for form in term.forms(lang):
            by_form.setdefault(form.lower(), term)
    if not by_form:
        return None, by_form
    forms = sorted(by_form, key=len, reverse=True)
    if lang == "zh":
        body = "|".join(re.escape(f) for f in forms)
    else:
        body = r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE), by_form


def find_terms(text: str, lang: str, terms: Iterable[GlossaryTerm]) -> list[TermMatch]:
    """Non-overlapping glossary matches in `text`, in order of position (longest form wins at a position)."""
    pattern, by_form = _pattern(terms, lang)
    if pattern is None or not text:
        return []
    return [TermMatch(m.start(), m.end(), m.group(0), by_form[m.group(0).lower()]) for m in pattern.finditer(text)]


def terms_in(texts: Iterable[str], lang: str, terms: Iterable[GlossaryTerm]) -> list[GlossaryTerm]:
    """The distinct terms found in any of `texts`, in order of first appearance."""
    seen: dict[str, GlossaryTerm] = {}
    term_list = list(terms)
    for text in texts:
        for match in find_terms(text, lang, term_list):
            seen.setdefault(match.term.id, match.term)
    return list(seen.values())
