"""The worker's radar chart as an inline SVG: for 3–8 areas with the longest real domain names, in Chinese and
English, no text overlaps another text or the chart and all of it stays inside the picture; θ is drawn at the
right radius; every label is escaped; no cut score means no cut ring; labels stay ≥ 13 px on a phone."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from assessor.ui.radar_svg import radar_svg

NS = {"s": "http://www.w3.org/2000/svg"}
DOMAINS = yaml.safe_load((Path(__file__).parents[2] / "question_bank" / "domains.yaml").read_text("utf-8"))["domains"]
THETAS = [0.5, -1.0, 2.2, 1.0, -0.3, 0.1, -2.5, 3.5]
WORDS = {"zh": ("各方面能力", "目标等级线"), "en": ("Your skill areas", "Target level")}
PHONE_PX = 326  # the chart's width on a 390 px phone (Gradio's page padding off)


def longest(lang: str, n: int) -> list[str]:
    """The n longest real domain names in `lang`."""
    return sorted((d["name"][lang] for d in DOMAINS), key=len, reverse=True)[:n]


def em_width(text: str) -> float:
    """Estimated width in em: 1 per CJK character, 0.6 per other character."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in text)


Box = tuple[float, float, float, float]


def text_boxes(svg: ET.Element) -> list[tuple[str, Box]]:
    """Each <text>'s estimated box: per line, the width from its characters, from 0.9 em above to 0.25 em below
    its baseline, placed by its text-anchor."""
    out = []
    for text in svg.iter(f"{{{NS['s']}}}text"):
        size = float(text.get("font-size", "16"))
        anchor = text.get("text-anchor", "start")
        spans = text.findall("s:tspan", NS) or [text]
        x0 = y0 = math.inf
        x1 = y1 = -math.inf
        for span in spans:
            x, y = float(span.get("x", "0")), float(span.get("y", "0"))
            w = em_width(span.text or "") * size
            left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            x0, x1 = min(x0, left), max(x1, left + w)
            y0, y1 = min(y0, y - 0.9 * size), max(y1, y + 0.25 * size)
        out.append(("".join(s.text or "" for s in spans), (x0, y0, x1, y1)))
    return out


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def distance_to_centre(b: Box) -> float:
    return math.hypot(max(b[0], 0.0, -b[2]), max(b[1], 0.0, -b[3]))


def chart(lang: str, n: int, **kw: object) -> ET.Element:
    title, cut_label = WORDS[lang]
    args: dict[str, object] = {"errors": [0.4] * n, "cut": 0.3, "title": title, "cut_label": cut_label, **kw}
    return ET.fromstring(radar_svg(longest(lang, n), THETAS[:n], lang=lang, **args))  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("n", range(3, 9))
def test_no_text_overlaps_another_or_the_chart(lang: str, n: int) -> None:
    svg = chart(lang, n)
    outer = float(svg.find("s:circle[@class='outer']", NS).get("r"))  # type: ignore[union-attr]
    vx, vy, vw, vh = (float(v) for v in svg.get("viewBox", "").split())
    boxes = text_boxes(svg)
    assert len(boxes) == n + 2  # the labels, the title and the cut ring's legend
    for i, (name, box) in enumerate(boxes):
        assert distance_to_centre(box) > outer, (name, box, outer)
        assert vx <= box[0] and box[2] <= vx + vw and vy <= box[1] and box[3] <= vy + vh, (name, box)
        for other, box2 in boxes[i + 1:]:
            assert not overlap(box, box2), (name, other)
    assert 16 * PHONE_PX / vw >= 13  # ≥ 13 px labels on a phone
    assert svg.get("role") == "img" and svg.find("s:title", NS).text == WORDS[lang][0]  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_label_wraps_like_the_pdf(lang: str) -> None:
    svg = chart(lang, 8)
    for text in svg.iter(f"{{{NS['s']}}}text"):
        if text.get("class") == "label":
            lines = [s.text or "" for s in text.findall("s:tspan", NS)]
            # Chinese about 5 a line (6 with trailing punctuation); Latin 12 a line beside the chart, 18 above
            # or below it, a single long word excepted
            limit = 6 if lang == "zh" else 18
            assert all(len(line) <= limit or " " not in line for line in lines), lines


def test_theta_points_sit_at_their_radius() -> None:
    thetas = [-3.0, 0.0, 1.5, 3.0, 5.0]  # 5 is drawn clipped at the outer ring
    svg = ET.fromstring(radar_svg(["a", "b", "c", "d", "e"], thetas, title="t", lang="en"))
    outer = float(svg.find("s:circle[@class='outer']", NS).get("r"))  # type: ignore[union-attr]
    points = [tuple(float(v) for v in p.split(","))
              for p in svg.find("s:polygon[@class='theta']", NS).get("points", "").split()]  # type: ignore[union-attr]
    assert len(points) == 5
    for i, ((x, y), theta) in enumerate(zip(points, thetas, strict=True)):
        expected = outer * (min(theta, 3.0) + 3.0) / 6.0
        assert math.hypot(x, y) == pytest.approx(expected, abs=0.15)
        if expected > 0:  # spoke i of 5, clockwise from the top
            assert math.atan2(x, -y) % (2 * math.pi) == pytest.approx(2 * math.pi * i / 5, abs=0.01)


def test_labels_and_title_are_escaped() -> None:
    svg = radar_svg(["<script>alert(1)</script>", 'a "b" & c', "安全"], [0.0, 1.0, -1.0],
                    title="<b>t</b>", cut=0.0, cut_label="<i>x</i>", lang="en")
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg
    root = ET.fromstring(svg)  # well-formed
    texts = ["".join(t.itertext()) for t in root.iter(f"{{{NS['s']}}}text")]
    assert "<script>alert(1)</script>" in texts and "<b>t</b>" in texts  # shown as text


def test_no_cut_means_no_ring_and_no_legend() -> None:
    svg = radar_svg(["a", "b", "c"], [0.0, 1.0, -1.0], errors=None, cut=None, title="t", cut_label="cut", lang="en")
    root = ET.fromstring(svg)
    assert root.find("s:circle[@class='cut']", NS) is None and "cut" not in "".join(root.itertext())
    assert root.find("s:path[@class='band']", NS) is None  # no errors, no band
    with_cut = ET.fromstring(radar_svg(["a", "b", "c"], [0.0, 1.0, -1.0], cut=0.0, title="t", cut_label="cut"))
    ring = with_cut.find("s:circle[@class='cut']", NS)
    outer = float(with_cut.find("s:circle[@class='outer']", NS).get("r"))  # type: ignore[union-attr]
    assert ring is not None and float(ring.get("r", "0")) == pytest.approx(outer / 2, abs=0.1)  # θ 0: half way


def test_odd_input_still_draws() -> None:
    for labels, thetas in (([], []), (["a"], [float("nan")]), (["a", "b"], [1.0, 2.0, 3.0])):
        root = ET.fromstring(radar_svg(labels, thetas, errors=[0.2] * len(thetas), cut=float("0.5"), title="t"))
        assert root.get("viewBox")


def test_a_turned_chart_keeps_each_theta_with_its_label() -> None:
    """Turned so that wide labels sit above and below: each dot is still at its own area's θ, on the spoke
    whose label is that area's name, in the given clockwise order."""
    names = longest("zh", 6)[::-1]  # the widest last: the chart turns
    thetas = dict(zip(names, [-2.0, -1.0, 0.0, 1.0, 2.0, 2.5], strict=True))
    svg = ET.fromstring(radar_svg(names, list(thetas.values()), title="t", lang="zh"))
    outer = float(svg.find("s:circle[@class='outer']", NS).get("r"))  # type: ignore[union-attr]
    points = [tuple(float(v) for v in p.split(","))
              for p in svg.find("s:polygon[@class='theta']", NS).get("points", "").split()]  # type: ignore[union-attr]
    drawn = [("".join(s.text or "" for s in t.findall("s:tspan", NS)), box) for t, (_name, box)
             in zip(svg.iter(f"{{{NS['s']}}}text"), text_boxes(svg), strict=False) if t.get("class") == "label"]
    assert [name for name, _box in drawn] != names  # turned
    start = names.index(drawn[0][0])
    assert [name for name, _box in drawn] == names[start:] + names[:start]  # same clockwise order
    for i, ((name, box), (x, y)) in enumerate(zip(drawn, points, strict=True)):
        assert math.hypot(x, y) == pytest.approx(outer * (thetas[name] + 3) / 6, abs=0.15)
        spoke = 2 * math.pi * i / 6
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        off = (math.atan2(cx, -cy) - spoke + math.pi) % (2 * math.pi) - math.pi
        assert abs(off) < math.pi / 4, (name, off)  # the label sits at the end of its own spoke
