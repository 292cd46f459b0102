"""Pictures in the bank: the shipped drawings are clean, small SVGs; at least 60 items use one, each with alt
text in both languages that does not give the answer away; and the validator refuses unsafe drawings."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assessor.bank.load import Bank, check_bank
from assessor.bank.media import svg_data_uri
from assessor.bank.rules import _SVG_FORBIDDEN
from tests.picture_bank import make_picture_bank

MEDIA = Path(__file__).resolve().parents[2] / "question_bank" / "media"
SVG_NS = "{http://www.w3.org/2000/svg}"
DRAWINGS = sorted(MEDIA.rglob("*.svg"))


def test_there_are_enough_drawings() -> None:
    assert len(DRAWINGS) >= 25


@pytest.mark.parametrize("path", DRAWINGS, ids=lambda p: p.relative_to(MEDIA).as_posix())
def test_each_drawing_is_a_small_clean_svg(path: Path) -> None:
    data = path.read_bytes()
    assert len(data) <= 30_000
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    assert len(root.get("viewBox", "").split()) == 4
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert not tags & {"script", "image", "foreignObject", "use", "a"}, tags
    assert not _SVG_FORBIDDEN.search(data.decode("utf-8"))
    assert not any(name.startswith("on") for element in root.iter() for name in element.attrib)
    assert sum(1 for element in root.iter() if element.tag == f"{SVG_NS}text") <= 12  # a few labels at most


def test_at_least_60_items_use_a_picture_and_their_alt_texts_hold(shipped_bank: Bank) -> None:
    pictured = [item for item in shipped_bank.items.values() if item.image is not None]
    assert len(pictured) >= 60
    for item in pictured:
        assert item.image is not None
        assert (MEDIA / item.image.file).is_file(), item.id
        assert item.image.alt.zh != item.image.alt.en, item.id
        assert "图" in item.stem.zh and "picture" in item.stem.en.lower(), f"{item.id}: the stem must point to it"
        for option in item.options:  # the alt text describes the drawing, never names the key
            if option.id in item.key and len(option.zh) > 3:
                assert option.zh not in item.image.alt.zh, item.id
                assert option.en.lower() not in item.image.alt.en.lower(), item.id


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/a.png"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<use xlink:href="//example.org/s.svg#a"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" onclick="alert(1)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,iVBORw0KGgo="/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><circle r="4"/></a></svg>',
], ids=["external-href", "protocol-relative", "event-handler", "embedded-raster", "javascript-url"])
def test_validate_refuses_unsafe_drawings(tmp_path: Path, svg: str) -> None:
    bank_dir = make_picture_bank(tmp_path / "bank")
    drawing = next((bank_dir / "media").rglob("*.svg"))
    assert check_bank(bank_dir)[1] == []
    assert svg_data_uri(bank_dir / "media", drawing.relative_to(bank_dir / "media").as_posix())
    drawing.write_text(svg, encoding="utf-8")
    _bank, problems = check_bank(bank_dir)
    assert problems and all(p.field == "image.file" and "outside reference" in p.message for p in problems)
    assert svg_data_uri(bank_dir / "media", drawing.relative_to(bank_dir / "media").as_posix()) is None


def test_a_picture_outside_media_or_missing_is_refused(tmp_path: Path) -> None:
    bank_dir = make_picture_bank(tmp_path / "bank")
    (bank_dir / "secret.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    assert svg_data_uri(bank_dir / "media", "../secret.svg") is None
    assert svg_data_uri(bank_dir / "media", "first_aid/nope.svg") is None
