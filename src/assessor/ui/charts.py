"""Charts for the web pages (matplotlib, headless): the worker's per-domain radar.

Chinese labels need a CJK font: the WenQuanYi Micro Hei shipped by the `paperang-p2-fonts-cjk` package (the one
the PDF reports embed) is registered with matplotlib, or an installed one (Debian's fonts-noto-cjk, fonts-wqy-*)
is used. Without any, labels fall back to the English domain names so the chart never shows empty boxes.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

CJK_FONT_NAMES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                  "Source Han Sans SC", "AR PL UMing CN", "Droid Sans Fallback")


FONT_PACKAGE = "paperang_p2_fonts_cjk"  # PyPI: paperang-p2-fonts-cjk (wqy-microhei.ttc)
DEBIAN_FONTS = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),)
LABEL_WIDTH = {"zh": 5, "en": 12}  # characters per line of a radar label before it wraps


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


def wrap_label(label: str) -> str:
    """A domain name on short lines (Chinese by characters, English by words) so neighbours never overlap."""
    cjk = any(ord(ch) > 0x2E7F for ch in label)
    if cjk:
        width = LABEL_WIDTH["zh"]
        lines: list[str] = []
        for i in range(0, len(label), width):
            chunk = label[i:i + width]
            while lines and chunk and chunk[0] in "、，,。；：)）":  # no line starts with punctuation
                lines[-1], chunk = lines[-1] + chunk[0], chunk[1:]
            if chunk:
                lines.append(chunk)
        return "\n".join(lines)
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH["en"], break_long_words=False)) or label


def radar_chart(labels: Sequence[str], values: Sequence[float], *, errors: Sequence[float] | None = None,
                cut: float | None = None, fallback_labels: Sequence[str] | None = None,
                title: str = "", cut_label: str = "") -> Figure:
    """A polar chart of one value per domain (ability θ, about -3…3), with a ±SE band and the cut score ring.

    Args:
        labels: domain names in the worker's language.
        values: ability per domain, same order.
        errors: standard error per domain (drawn as a shaded band).
        cut: the target level's cut score (a dashed ring).
        fallback_labels: used when no CJK font is installed (English names).
    """
    font = cjk_font()
    shown = list(labels)
    use_fallback = font is None and fallback_labels is not None and any(ord(ch) > 0x2E7F for ch in "".join(labels))
    if use_fallback and fallback_labels is not None:
        shown = list(fallback_labels)
    rc: dict[str, Any] = {"font.size": 14}
    if font is not None:
        rc["font.family"] = [font, "DejaVu Sans"]
    low, high = -3.0, 3.0
    n = max(len(values), 1)
    angles = [2 * math.pi * i / n for i in range(n)]
    with plt.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(5.2, 5.2), dpi=100)  # ≥ 12 px labels when a phone shows it ~330 px wide
        ax: Any = fig.add_axes((0.22, 0.16, 0.56, 0.62), projection="polar")  # room for wrapped labels
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(low, high)
        clipped = [min(max(float(v), low), high) for v in values]
        closed = angles + angles[:1]
        if len(values) >= 1:
            if errors is not None:
                upper = [min(v + e, high) for v, e in zip(clipped, errors, strict=False)]
                lower = [max(v - e, low) for v, e in zip(clipped, errors, strict=False)]
                ax.fill_between(closed, lower + lower[:1], upper + upper[:1], color="#4C9BE8", alpha=0.2, linewidth=0)
            ax.plot(closed, clipped + clipped[:1], color="#1565C0", linewidth=2.5, marker="o")
        if cut is not None:
            ring = [i * 2 * math.pi / 120 for i in range(121)]
            ax.plot(ring, [cut] * len(ring), linestyle="--", color="#E65100", linewidth=1.5,
                    label=cut_label or None)
            if cut_label:
                fig.legend(loc="lower left", frameon=False)
        ax.set_xticks(angles)
        ax.set_xticklabels([wrap_label(label) for label in shown])
        ax.tick_params(axis="x", pad=18)
        ax.set_yticklabels([])
        if title:
            ax.set_title(title, pad=24)
    return fig
