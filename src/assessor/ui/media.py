"""An item's picture for the page: the bank's SVG drawing as an `<img>` with a data: URI and its alt text.

The drawing is read from question_bank/media/ and checked again by `bank.media.svg_data_uri` (the same rule as
`assessor bank validate`), so a page never shows a file the validator would refuse. Anything missing or refused gives "" (the question still shows, without its picture).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from assessor.bank.media import svg_data_uri
from assessor.bank.schema import Item

if TYPE_CHECKING:
    from assessor.views import QuestionView

MAX_WIDTH_PX = 360
"""The picture fills the card's width up to this many CSS pixels (a 390 px phone shows it whole)."""


def image_tag(src: str, alt: str) -> str:
    """One `<img>` for a data: URI from `svg_data_uri` (anything else gives ""), `alt` escaped, full card width
    up to `MAX_WIDTH_PX`."""
    if not src.startswith("data:image/svg+xml;base64,"):
        return ""
    return (f'<img class="q-image" src="{html.escape(src, quote=True)}" alt="{html.escape(alt, quote=True)}" '
            f'style="display:block;width:100%;max-width:{MAX_WIDTH_PX}px;height:auto;margin:8px auto;'
            f'background:#fff;border-radius:8px">')


def item_image_html(item: Item, lang: str, media_root: Path) -> str:
    """The item's picture as one `<img>` with its alt text in `lang`, or "" when the item has none or its file
    is refused (see `svg_data_uri`)."""
    if item.image is None:
        return ""
    uri = svg_data_uri(media_root, item.image.file)
    return image_tag(uri, item.image.alt.get(lang)) if uri else ""


def question_image_html(q: QuestionView) -> str:
    """The pending question's picture (`image_src`, `image_alt` filled by the dialogue), or "" without one."""
    return image_tag(getattr(q, "image_src", ""), getattr(q, "image_alt", ""))
