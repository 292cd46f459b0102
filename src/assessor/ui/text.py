"""Text safety for the web page: nothing a worker types (or the bank holds) is ever rendered as HTML.

Chat bubbles and Markdown components render Markdown, so worker text is escaped twice over: HTML special
characters become entities and Markdown syntax (links, images, emphasis, headings) is backslash-escaped, so
`<script>` shows as text and `![x](http://…)` never makes the page fetch anything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def safe_markdown(text: str) -> str:
    """Markdown we wrote (from the bank and i18n) with any HTML neutralised."""
    return html.escape(str(text), quote=False)


def plain(text: Any) -> str:
    """Text from a worker or any outside source, shown literally: no HTML, no Markdown."""
    escaped = html.escape(str(text), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def chat_messages(messages: Iterable[Any]) -> list[dict[str, str]]:
    """Stored transcript messages (assessor.store Message rows) as Chatbot messages, escaped."""
    out: list[dict[str, str]] = []
    for message in messages:
        if message.speaker == "worker":
            out.append({"role": "user", "content": plain(message.text)})
        else:
            out.append({"role": "assistant", "content": safe_markdown(message.text)})
    return out
