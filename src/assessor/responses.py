"""What a worker sends, checked and shown: the shape of a response per item type, and its text.

- `clean_text`: plain text from a worker (not empty, bounded, no binary or control characters).
- `normalise_response`: a response checked against its item (option ids that exist, one pick for single choice,
  every step once for ordering); returns what the engine scores and never trusts the client.
- `answer_text`: a stored response as a reader sees it: option texts, not ids ("先关火 → 开窗"), in one language.

A bad response raises `InputProblem` with a message key shown in the worker's language; nothing is stored.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from assessor.bank.schema import Item
from assessor.i18n import join, t

MAX_TEXT = 2000
CHOICE_TYPES = ("single_choice", "true_false")


class InputProblem(ValueError):
    """Bad input from a worker: a message key shown in their language; nothing is stored or changed."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(t(key, "en", **values))
        self.key = key
        self.values = values

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


def clean_text(text: Any, *, max_chars: int = MAX_TEXT) -> str:
    """Plain text from a worker: not empty, at most `max_chars`, no binary or control characters (\\n, \\r, \\t
    allowed); bytes must be UTF-8. Returns the stripped text."""
    if text is None:
        raise InputProblem("empty_answer")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputProblem("binary_text") from error
    text = str(text)
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t" for ch in text):
        raise InputProblem("binary_text")
    text = text.strip()
    if not text:
        raise InputProblem("empty_answer")
    if len(text) > max_chars:
        raise InputProblem("too_long", max=max_chars)
    return text


def normalise_response(item: Item, response: Any) -> Any:
    """The response the engine scores: text for open scenarios, one option id for single choice and true/false,
    the picked ids in the item's order for multiple choice, every step exactly once for ordering."""
    ids = item.option_ids
    if item.type == "open_scenario":
        return clean_text(response)
    if response is None or response == "" or response == []:
        raise InputProblem("empty_answer")
    picks = [response] if isinstance(response, str) else list(response)
    picks = [str(p).strip() for p in picks]
    if any(p not in ids for p in picks):
        raise InputProblem("bad_option")
    if item.type in CHOICE_TYPES:
        if len(picks) != 1:
            raise InputProblem("bad_option")
        return picks[0]
    if item.type == "multiple_choice":
        return sorted(set(picks), key=ids.index)
    if item.type == "ordering":
        if sorted(picks) != sorted(ids) or len(set(picks)) != len(picks):
            raise InputProblem("order_incomplete", n=len(ids))
        return picks
    raise InputProblem("bad_option")


def answer_text(item: Item | None, answer: Any, lang: str) -> str:
    """A stored answer as text in `lang`: the options' texts (ordering joined by " → ", choices by "；" / "; "),
    free text as typed. Unknown option ids (an item changed since) are shown as ids; without the item, ids."""
    if answer is None:
        return ""
    if isinstance(answer, str) and (item is None or item.type == "open_scenario"):
        return answer
    picks = [answer] if isinstance(answer, str) else [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]
    texts = {o.id: o.text(lang) for o in item.options} if item is not None else {}
    shown = [texts.get(p, p) for p in picks]
    if item is not None and item.type == "ordering":
        return " → ".join(shown)
    return join(shown, lang, "clause")
