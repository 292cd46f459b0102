"""The worker's per-area radar chart as a self-contained inline SVG string (drawn by the browser, its own fonts).

One spoke per skill area, clockwise in the given order (turned, a cyclic shift, so that the labels needing
most room sideways sit above and below the ring; see `turn`); an ability θ is drawn at radius
r = R·(clip(θ) − LOW)/(HIGH − LOW) with LOW, HIGH = −3, 3 (the centre is θ = −3, the outer ring θ = 3, grid rings
at every whole θ), the ±SE band between θ − SE and θ + SE, the target level's cut score as a dashed ring with its
label in a legend under the chart. Labels wrap as the matplotlib chart's did (about 5 Chinese / 12 Latin
characters a line) and are placed outside the outer ring;
where two would overlap, the one nearer the top or bottom moves away from the middle, and the ring shrinks until
every label fits the width. Sizes are in viewBox units: 16-unit labels in a 390-unit width are 13.4 px where the
chart is 326 px wide (a 390 px phone: Gradio's padding leaves its HTML box 290 px, and the chart spreads over
that box's and its block's padding, BLEED) and the chart is at most 420 px wide on a PC.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

LOW, HIGH = -3.0, 3.0
WIDTH = 390.0  # viewBox width; the chart scales to its container, at most MAX_PX wide
MAX_PX = 420
BLEED = 18  # px: on a phone the chart spreads over the padding of Gradio's HTML box (12 px) and of its block (6 px)
# full width on a phone (over that padding), centred and at most MAX_PX wide on a PC
STYLE = (f"display:block;height:auto;max-width:{MAX_PX}px;width:calc(100% + {2 * BLEED}px);"
         f"margin:0 max(-{BLEED}px, calc((100% - {MAX_PX}px) / 2))")
FONT = 16.0  # label size (viewBox units)
TITLE_FONT = 18.0
LINE = 1.25 * FONT  # line height of a wrapped label
LABEL_WIDTH = {"zh": 5, "en": 12}  # characters per line before a label wraps
GAP = 10.0  # between the outer ring and the nearest label
PAD = 4.0  # between two labels, and at the edges
R_MAX, R_MIN = 120.0, 40.0
SVG_LANG = {"zh": "zh-CN"}  # so the browser picks Simplified Chinese glyphs
COLORS = {"theta": "#1565C0", "band": "#4C9BE8", "cut": "#E65100", "grid": "#C5CAD3", "text": "#1A1A1A"}


@dataclass(frozen=True)
class Box:
    """A label's estimated extent: x0 ≤ x1 and y0 ≤ y1 (SVG y grows downwards; the chart's centre is 0, 0)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, pad: float = 0.0) -> bool:
        """True when the two boxes, each grown by pad / 2, share any area."""
        return (self.x0 < other.x1 + pad and other.x0 < self.x1 + pad
                and self.y0 < other.y1 + pad and other.y0 < self.y1 + pad)

    def shifted(self, dx: float, dy: float) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def distance_to_centre(self) -> float:
        """The distance from (0, 0) to the box's nearest point (0 when the box covers the centre)."""
        dx = max(self.x0, 0.0, -self.x1)
        dy = max(self.y0, 0.0, -self.y1)
        return math.hypot(dx, dy)


@dataclass(frozen=True)
class Label:
    """One area's wrapped label, its box and where it points (sin, cos of its spoke's angle from the top)."""

    lines: tuple[str, ...]
    box: Box
    sin: float
    cos: float


def is_cjk(ch: str) -> bool:
    """A character drawn about 1 em wide (CJK scripts and full-width punctuation)."""
    return ord(ch) > 0x2E7F


def text_width(text: str, size: float = FONT) -> float:
    """Estimated drawn width: 1 em per CJK character, 0.85 em per capital letter, 0.6 em per other character
    (at least the width Chromium draws with DejaVu Sans, the widest common sans, e.g. for "Home")."""
    return sum(size if is_cjk(ch) else (0.85 if ch.isupper() else 0.6) * size for ch in text)


def wrap_label(label: str, wide: bool = False) -> list[str]:
    """A domain name on short lines: Chinese every 5 characters (no line starts with punctuation), other text by
    words at 12 characters (a longer word keeps its own line); `wide` (a label above or below the chart, where
    there is room sideways) lets Latin lines run to 18 characters."""
    label = " ".join(label.split())
    if any(is_cjk(ch) for ch in label):
        width = LABEL_WIDTH["zh"]
        lines: list[str] = []
        for i in range(0, len(label), width):
            chunk = label[i:i + width]
            while lines and chunk and chunk[0] in "、，,。；;：:)）":
                lines[-1], chunk = lines[-1] + chunk[0], chunk[1:]
            if chunk:
                lines.append(chunk)
        return lines or [label]
    width = LABEL_WIDTH["en"] * 3 // 2 if wide else LABEL_WIDTH["en"]
    return textwrap.wrap(label, width, break_long_words=False) or [label]


def ring_radius(theta: float, outer: float) -> float:
    """r = outer·(clip(θ, LOW, HIGH) − LOW)/(HIGH − LOW)."""
    clipped = min(max(float(theta), LOW), HIGH) if math.isfinite(theta) else LOW
    return outer * (clipped - LOW) / (HIGH - LOW)


def spoke(i: int, n: int) -> tuple[float, float]:
    """(sin, cos) of spoke i of n, clockwise from the top."""
    angle = 2 * math.pi * i / max(n, 1)
    return math.sin(angle), math.cos(angle)


def _point(i: int, n: int, r: float) -> tuple[float, float]:
    s, c = spoke(i, n)
    return r * s, -r * c


@dataclass(frozen=True)
class Spoke:
    """An area's wrapped label with its estimated size, and its spoke's direction (sin, cos from the top)."""

    lines: tuple[str, ...]
    w: float
    h: float
    sin: float
    cos: float


def spokes(labels: Sequence[str]) -> list[Spoke]:
    """Each label wrapped (wide above and below the chart) and measured, once per chart."""
    out = []
    for i in range(len(labels)):
        s, c = spoke(i, len(labels))
        s, c = (0.0 if abs(s) < 1e-9 else s), (0.0 if abs(c) < 1e-9 else c)
        lines = tuple(wrap_label(labels[i], wide=abs(s) < 0.2))
        out.append(Spoke(lines, max(text_width(line) for line in lines), len(lines) * LINE, s, c))
    return out


def _initial_box(sp: Spoke, outer: float) -> Box:
    """The label's box touching its spoke's end at GAP outside the ring: right of it on the right side, above it
    at the top, centred on it where the spoke is horizontal or vertical; then moved out along the spoke (the
    least distance, by bisection) until it is GAP clear of the ring."""
    s, c, r = sp.sin, sp.cos, outer + GAP
    ax, ay = r * s, -r * c
    box = Box(ax - sp.w * (1 - s) / 2, ay - sp.h * (1 + c) / 2, ax + sp.w * (1 + s) / 2, ay + sp.h * (1 - c) / 2)
    if box.distance_to_centre() >= r:
        return box
    lo, hi = 0.0, r + sp.w + sp.h
    for _ in range(8):  # to within (r + w + h) / 256, on the clear side
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if box.shifted(mid * s, -mid * c).distance_to_centre() >= r else (mid, hi)
    return box.shifted(hi * s, -hi * c)


def _separate(labels: list[Label]) -> list[Label]:
    """Move labels apart: of two overlapping labels, the one nearer the top or bottom moves up or down (both,
    half each, when equally far from the middle) until the two are PAD apart."""
    for _ in range(60):
        moved = False
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                a, b = labels[i], labels[j]
                if not a.box.overlaps(b.box, PAD):
                    continue
                moved = True
                if abs(abs(a.cos) - abs(b.cos)) < 1e-6 and a.cos * b.cos < 0:
                    need = (min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0) + PAD) / 2
                    labels[i], labels[j] = _moved(a, need), _moved(b, need)
                    continue
                k = i if abs(a.cos) >= abs(b.cos) else j
                mover, other = labels[k], labels[j if k == i else i]
                up = mover.cos > 0 or (mover.cos == 0 and mover.box.y0 < other.box.y0)
                need = (mover.box.y1 - other.box.y0 + PAD) if up else (other.box.y1 - mover.box.y0 + PAD)
                labels[k] = _moved(mover, need, up=up)
        if not moved:
            break
    return labels


def _moved(label: Label, dist: float, *, up: bool | None = None) -> Label:
    """The label moved dist vertically away from the middle (up when its spoke points up, or when told)."""
    go_up = label.cos > 0 if up is None else up
    return replace(label, box=label.box.shifted(0.0, -dist if go_up else dist))


def layout(prepared: Sequence[Spoke], outer: float) -> list[Label]:
    """Every label's box for an outer ring of radius `outer`, none overlapping another or the ring."""
    return _separate([Label(sp.lines, _initial_box(sp, outer), sp.sin, sp.cos) for sp in prepared])


def _half_width(placed: Sequence[Label], outer: float) -> float:
    return max([outer + PAD, *(max(-p.box.x0, p.box.x1) + PAD for p in placed)])


@lru_cache(maxsize=256)
def fit(labels: tuple[str, ...]) -> tuple[float, tuple[Label, ...]]:
    """The largest outer radius in R_MIN…R_MAX (by bisection, to 2 units) whose labels fit in WIDTH, with their
    layout; R_MIN when none does (the chart is then wider than WIDTH and scales down). Cached: a role's areas
    come back for every worker who takes it."""
    prepared = spokes(labels)
    placed = layout(prepared, R_MAX)
    if _half_width(placed, R_MAX) <= WIDTH / 2:
        return R_MAX, tuple(placed)
    best = (R_MIN, tuple(layout(prepared, R_MIN)))
    lo, hi = R_MIN, R_MAX
    while hi - lo > 2.0:
        mid = (lo + hi) / 2
        placed = layout(prepared, mid)
        if _half_width(placed, mid) <= WIDTH / 2:
            lo, best = mid, (mid, tuple(placed))
        else:
            hi = mid
    return best


@lru_cache(maxsize=256)
def turn(labels: tuple[str, ...]) -> int:
    """How many places to turn the spokes (a cyclic shift: every area keeps its neighbours) so that the labels
    needing most room sideways sit above and below the chart: the shift k with the largest rough outer radius
    min_j (WIDTH/2 − PAD − w·(1 + |sin_j|)/2) / |sin_j| − GAP, w the width of label j + k at spoke j
    (0 unless some shift gains more than 2 units)."""
    n = len(labels)
    widths = [max(text_width(line) for line in wrap_label(label)) for label in labels]
    sines = [abs(spoke(j, n)[0]) for j in range(n)]

    def rough(k: int) -> float:
        return min([(WIDTH / 2 - PAD - widths[(j + k) % n] * (1 + s) / 2) / s - GAP
                    for j, s in enumerate(sines) if s > 1e-9] or [R_MAX])

    best = max(range(n), key=rough, default=0)
    return best if n and rough(best) > rough(0) + 2.0 else 0


def _num(x: float) -> str:
    """x to one decimal, without a trailing .0 or a negative zero."""
    text = f"{x:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _polygon(radii: Sequence[float]) -> list[tuple[float, float]]:
    return [_point(i, len(radii), r) for i, r in enumerate(radii)]


def _path(points: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{_num(x)} {_num(y)}" for x, y in points) + " Z"


def _label_text(label: Label) -> str:
    """The label's lines as one <text>: left-aligned on the right side, right-aligned on the left, else centred."""
    box = label.box
    if label.sin > 0.2:
        anchor, x = "start", box.x0
    elif label.sin < -0.2:
        anchor, x = "end", box.x1
    else:
        anchor, x = "middle", (box.x0 + box.x1) / 2
    spans = "".join(f'<tspan x="{_num(x)}" y="{_num(box.y0 + k * LINE + LINE / 2 + 0.36 * FONT)}">'
                    f"{html.escape(line)}</tspan>" for k, line in enumerate(label.lines))
    return f'<text class="label" text-anchor="{anchor}" font-size="{_num(FONT)}">{spans}</text>'


def _grid(n: int, outer: float) -> str:
    rings = "".join(f'<circle r="{_num(ring_radius(v, outer))}"/>' for v in range(int(LOW) + 1, int(HIGH)))
    spokes = "".join(f'<line x1="0" y1="0" x2="{_num(x)}" y2="{_num(y)}"/>'
                     for x, y in (_point(i, n, outer) for i in range(n)))
    return (f'<g class="grid" fill="none" stroke="{COLORS["grid"]}" stroke-width="1">{rings}{spokes}</g>'
            f'<circle class="outer" r="{_num(outer)}" fill="none" stroke="#8A929E" stroke-width="1.5"/>')


def _data(thetas: Sequence[float], errors: Sequence[float] | None, cut: float | None, outer: float) -> str:
    """The ±SE band, the cut ring and the θ polygon with a dot per area."""
    parts = []
    if errors is not None and thetas:
        ses = [float(e) if math.isfinite(e) else 0.0 for e in errors]
        ses += [0.0] * (len(thetas) - len(ses))
        upper = _polygon([ring_radius(t + e, outer) for t, e in zip(thetas, ses, strict=False)])
        lower = _polygon([ring_radius(t - e, outer) for t, e in zip(thetas, ses, strict=False)])
        parts.append(f'<path class="band" d="{_path(upper)} {_path(lower[::-1])}" fill="{COLORS["band"]}" '
                     f'fill-opacity="0.25" fill-rule="evenodd" stroke="none"/>')
    if cut is not None:
        parts.append(f'<circle class="cut" r="{_num(ring_radius(cut, outer))}" fill="none" '
                     f'stroke="{COLORS["cut"]}" stroke-width="2" stroke-dasharray="7 5"/>')
    if thetas:
        points = _polygon([ring_radius(t, outer) for t in thetas])
        joined = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        parts.append(f'<polygon class="theta" points="{joined}" fill="{COLORS["theta"]}" fill-opacity="0.08" '
                     f'stroke="{COLORS["theta"]}" stroke-width="2.5" stroke-linejoin="round"/>')
        parts.append(f'<g class="dots" fill="{COLORS["theta"]}">'
                     + "".join(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4"/>' for x, y in points) + "</g>")
    return "".join(parts)


def radar_svg(labels: Sequence[str], thetas: Sequence[float], *, errors: Sequence[float] | None = None,
              cut: float | None = None, title: str = "", cut_label: str = "", lang: str = "zh") -> str:
    """An <svg> (role="img", <title>, every text escaped) of one θ per area with its ±SE band and the cut ring.

    Args:
        labels: area names in the worker's language, one per spoke, clockwise in this order (starting at the top
            or, turned by `turn`, at the one that leaves the ring most room).
        thetas: ability per area (about −3…3; drawn clipped to that range), same order.
        errors: standard error per area (the shaded band), or None.
        cut: the target level's cut score (a dashed ring), or None for no ring and no legend.
        title, cut_label: the chart's heading and the ring's legend text; lang: "zh" or "en" (the svg's lang).
    """
    n = min(len(labels), len(thetas))
    labels, thetas = list(labels)[:n], [float(t) if math.isfinite(t) else LOW for t in thetas][:n]
    k = turn(tuple(labels))
    labels, thetas = labels[k:] + labels[:k], thetas[k:] + thetas[:k]
    if errors is not None:
        ses = [*list(errors)[:n], *[0.0] * (n - len(errors))]
        errors = ses[k:] + ses[:k]
    outer, placed = fit(tuple(labels))
    top = min([-outer - GAP, *(p.box.y0 for p in placed)])
    bottom = max([outer + GAP, *(p.box.y1 for p in placed)])
    half = max([WIDTH / 2, *(max(-p.box.x0, p.box.x1) + PAD for p in placed)])
    parts = [_grid(len(labels), outer), _data(thetas, errors, cut, outer)]
    parts.append(f'<g class="labels" fill="{COLORS["text"]}">' + "".join(_label_text(p) for p in placed) + "</g>")
    if title:
        top -= TITLE_FONT * 0.6
        parts.append(f'<text class="title" x="0" y="{_num(top)}" text-anchor="middle" font-size="{_num(TITLE_FONT)}" '
                     f'font-weight="bold" fill="{COLORS["text"]}">{html.escape(title)}</text>')
        top -= TITLE_FONT * 1.1
    if cut is not None and cut_label:
        y = bottom + PAD + LINE / 2
        x0 = -(36 + 8 + text_width(cut_label)) / 2
        parts.append(f'<g class="legend"><line x1="{_num(x0)}" y1="{_num(y)}" x2="{_num(x0 + 36)}" y2="{_num(y)}" '
                     f'stroke="{COLORS["cut"]}" stroke-width="2" stroke-dasharray="7 5"/>'
                     f'<text class="legend-text" x="{_num(x0 + 44)}" y="{_num(y + 0.36 * FONT)}" '
                     f'font-size="{_num(FONT)}" fill="{COLORS["text"]}">{html.escape(cut_label)}</text></g>')
        bottom = y + LINE / 2
    top, bottom = top - PAD, bottom + PAD
    name = title or cut_label or "radar"
    desc = "; ".join(f"{label}: {_num(t)}" for label, t in zip(labels, thetas, strict=False))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="radar-svg" role="img" lang="{html.escape(SVG_LANG.get(lang, lang))}" '
            f'viewBox="{_num(-half)} {_num(top)} {_num(2 * half)} {_num(bottom - top)}" width="100%" '
            f'style="{STYLE}">'
            f"<title>{html.escape(name)}</title><desc>{html.escape(desc)}</desc>{''.join(parts)}</svg>")
