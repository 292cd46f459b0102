"""A bank drawing read for showing: the SVG under question_bank/media/ as a `data:` URI, checked again.

The same rule as `assessor bank validate` (inside media/, an SVG, no script, event handler or outside reference)
runs on every read, so no page or report shows a file the validator would refuse. Used by the dialogue (the
question view), the pages (ui/media.py) and the PDF reports (report/pictures.py).
"""

from __future__ import annotations

import base64
from pathlib import Path

from assessor.bank.rules import _SVG_FORBIDDEN


def svg_data_uri(media_root: Path, file: str) -> str | None:
    """`data:image/svg+xml;base64,…` for media/`file`, or None when it is outside `media_root`, missing, not an
    SVG, or holds a script, event handler or outside reference."""
    media = media_root.resolve()
    path = (media / file).resolve()
    if media not in path.parents or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    if "<svg" not in text[:2000] or _SVG_FORBIDDEN.search(text):
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")
