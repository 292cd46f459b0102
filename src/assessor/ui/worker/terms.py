"""Tappable glossary words and the other-language view in the question card: HTML and CSS only.

A technical word in the stem (压疮, 海姆立克 …, from `question_bank/glossary.yaml` via `bank.glossary.find_terms`)
becomes a `<details>`: its `<summary>` is the word with a dotted underline, and a tap opens the plain explanation
in the UI language right under it (and closes it again). It needs no script and no server round trip, and works
on touch. Option labels are Gradio buttons (plain text): a word there is never made tappable inside the button
(a tap must answer, nothing else); such words are listed under the stem as chips that open the same way.
Everything is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from assessor.bank.glossary import TermMatch, find_terms
from assessor.bank.schema import GlossaryTerm
from assessor.i18n import t
from assessor.ui.worker.model import OtherLanguage

CHIPS_TITLE = {"zh": "点一下看解释：", "en": "Tap a word to see what it means:"}


_FOUND: dict[tuple[str, str], tuple[list[GlossaryTerm], list[TermMatch]]] = {}
_FOUND_MAX = 4096


def _find(text: str, lang: str, terms: Sequence[GlossaryTerm]) -> list[TermMatch]:
    """`find_terms`, remembered per (text, lang) while the glossary is the same objects (a question's card is
    rendered on every tap; a new bank brings new term objects and so a fresh search)."""
    hit = _FOUND.get((text, lang))
    if hit is not None and len(hit[0]) == len(terms) and all(a is b for a, b in zip(hit[0], terms, strict=True)):
        return hit[1]
    found = list(find_terms(text, lang, terms))
    if len(_FOUND) >= _FOUND_MAX:
        _FOUND.clear()
    _FOUND[(text, lang)] = (list(terms), found)
    return found


def _escape_lines(text: str) -> str:
    return "<br>".join(html.escape(line) for line in str(text).splitlines())


def _term(word: str, term: GlossaryTerm, lang: str, css: str) -> str:
    return (f'<details class="{css}" data-term="{html.escape(term.id)}"><summary>{html.escape(word)}</summary>'
            f'<span class="gl-tip" role="note" lang="{lang}">{html.escape(term.plain.get(lang))}</span></details>')


def marked(text: str, lang: str, terms: Sequence[GlossaryTerm], *, explain_in: str | None = None) -> str:
    """`text` escaped, line breaks as <br>, each glossary word a tappable `<details class="gl-term">` whose
    explanation is in `explain_in` (default: `lang`, the text's own language)."""
    matches = _find(text, lang, terms) if terms else []
    out: list[str] = []
    at = 0
    for m in matches:
        out.append(_escape_lines(text[at:m.start]))
        out.append(_term(m.text, m.term, explain_in or lang, "gl-term"))
        at = m.end
    out.append(_escape_lines(text[at:]))
    return "".join(out)


def chips(texts: Iterable[str], lang: str, terms: Sequence[GlossaryTerm], *, skip: Iterable[str] = ()) -> str:
    """The glossary words found in `texts` (the option labels) and not in `skip` (term ids already marked in the
    stem), as a row of tappable chips; "" when there are none."""
    seen: dict[str, tuple[str, GlossaryTerm]] = {}
    skipped = set(skip)
    for text in texts:
        for m in _find(text, lang, terms) if terms else []:
            if m.term.id not in skipped:
                seen.setdefault(m.term.id, (m.text, m.term))
    if not seen:
        return ""
    body = "".join(_term(word, term, lang, "gl-chip") for word, term in seen.values())
    return f'<div class="gl-chips"><span class="gl-chips-title">{html.escape(CHIPS_TITLE.get(lang, CHIPS_TITLE["zh"]))}</span>{body}</div>'


def term_ids(text: str, lang: str, terms: Sequence[GlossaryTerm]) -> list[str]:
    """The ids of the glossary terms in `text`."""
    return [m.term.id for m in _find(text, lang, terms)] if terms else []


def other_language(other: OtherLanguage | None, ui_lang: str, terms: Sequence[GlossaryTerm]) -> str:
    """The 看英文 / 看中文 toggle: a `<details>` whose summary is the button (show / hide, in the UI language) and
    whose body is the same question in the other language (stem and numbered options). Shown only on a tap."""
    if other is None:
        return ""
    options = "".join(f"<li>{html.escape(text)}</li>" for text in other.options)
    return (f'<details class="q-other" id="q-other"><summary class="other-btn" role="button">'
            f'<span class="o-show">{html.escape(t("show_other_lang", ui_lang))}</span>'
            f'<span class="o-hide">{html.escape(t("hide_other_lang", ui_lang))}</span></summary>'
            f'<div class="q-other-body" lang="{other.lang}">'
            f'<div class="q-other-title">{html.escape(t("other_lang_title", ui_lang))}</div>'
            f'<div class="q-other-stem">{marked(other.stem, other.lang, terms)}</div>'
            + (f'<ol class="q-other-opts">{options}</ol>' if options else "") + "</div></details>")
