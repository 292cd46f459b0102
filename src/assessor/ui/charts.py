"""The CJK font for the trainer's matplotlib charts (headless). The worker's radar is an SVG: ui/radar_svg.py.

Chinese labels need a CJK font: the WenQuanYi Micro Hei shipped by the `paperang-p2-fonts-cjk` package (the one
the PDF reports embed) is registered with matplotlib, or an installed one (Debian's fonts-noto-cjk, fonts-wqy-*)
is used. Without any, the trainer's charts label domains in English so they never show empty boxes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402

CJK_FONT_NAMES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                  "Source Han Sans SC", "AR PL UMing CN", "Droid Sans Fallback")


FONT_PACKAGE = "paperang_p2_fonts_cjk"  # PyPI: paperang-p2-fonts-cjk (wqy-microhei.ttc)
DEBIAN_FONTS = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),)


def _register_packaged_font() -> None:
    """Add the packaged (or Debian's) WenQuanYi Micro Hei to matplotlib's fonts, if present."""
    try:
        packaged: list[Path] = [Path(str(resources.files(FONT_PACKAGE) / "fonts" / "wqy-microhei.ttc"))]
    except (ModuleNotFoundError, TypeError):
        packaged = []
    for path in [*packaged, *DEBIAN_FONTS]:
        if path.is_file():
            try:
                font_manager.fontManager.addfont(str(path))
            except (OSError, RuntimeError, ValueError):
                continue
            return


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of a font with Chinese glyphs (the packaged one registered first), or None."""
    _register_packaged_font()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONT_NAMES:
        if name in installed:
            return name
    return None

