"""Item pictures in a PDF: each bank drawing (SVG) converted by svglib into a reportlab drawing, with its alt text.

reportlab cannot draw SVG by itself; svglib (pure Python) turns a validated drawing into a reportlab `Drawing`,
scaled to a fixed width. If svglib is not installed or cannot read a file, the alt text is printed in a box
instead, so the PDF never fails over a picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from assessor.bank.load import Bank
from assessor.bank.media import svg_data_uri
from assessor.bank.schema import Item

PICTURE_WIDTH = 45 * mm
"""Width of a drawing in the PDF (the height keeps the drawing's proportions)."""


def svg_drawing(media_root: Path, file: str, width: float = PICTURE_WIDTH) -> Any | None:
    """media/`file` as a reportlab Drawing `width` points wide, or None when the file is refused (outside media/,
    missing, unsafe: see `assessor.bank.media.svg_data_uri`), svglib is missing, or svglib cannot read it."""
    if svg_data_uri(media_root, file) is None:
        return None
    try:
        from svglib.svglib import svg2rlg
    except ImportError:  # optional at run time: the alt text stands in
        return None
    try:
        drawing = svg2rlg(str((media_root / file).resolve()))
    except Exception:  # noqa: BLE001 - a drawing svglib cannot read falls back to its alt text
        return None
    if drawing is None or not drawing.width:
        return None
    scale = width / drawing.width
    drawing.scale(scale, scale)
    drawing.width, drawing.height = width, drawing.height * scale
    return drawing


def item_picture(item: Item, media_root: Path, style: ParagraphStyle, escape: Any) -> Flowable | None:
    """One item's picture beside its id and alt text (zh and en), or None for an item without a picture.
    `escape` makes bank text safe for a reportlab Paragraph."""
    if item.image is None:
        return None
    caption = Paragraph(f"{escape(item.id)} · {escape(item.image.file)}<br/>{escape(item.image.alt.zh)}<br/>"
                        f"{escape(item.image.alt.en)}", style)
    picture: Any = svg_drawing(media_root, item.image.file)
    if picture is None:  # the alt text in a box
        picture = Table([[Paragraph(escape(item.image.alt.zh), style)]], colWidths=[PICTURE_WIDTH])
        picture.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.grey)]))
    table = Table([[picture, caption]], colWidths=[PICTURE_WIDTH + 4 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([table])


def item_pictures(items: Iterable[Item], media_root: Path, style: ParagraphStyle, escape: Any) -> list[Flowable]:
    """The pictures of `items` (each item once, in the given order) as flowables; [] when none has a picture."""
    seen: set[str] = set()
    out: list[Flowable] = []
    for item in items:
        if item.id in seen:
            continue
        seen.add(item.id)
        flowable = item_picture(item, media_root, style, escape)
        if flowable is not None:
            out.append(flowable)
    return out


def transcript_pictures(bank: Bank | None, item_ids: Iterable[str], heading: ParagraphStyle, style: ParagraphStyle,
                        escape: Any) -> list[Flowable]:
    """For a transcript: the heading "题目图片 Item pictures" and the picture of every answered item that has one
    (in answer order, each once); [] without a bank or without pictures."""
    if bank is None:
        return []
    items = [bank.items[i] for i in item_ids if i in bank.items]
    pictures = item_pictures(items, bank.root / "media", style, escape)
    return [Paragraph("题目图片 Item pictures", heading), *pictures] if pictures else []
