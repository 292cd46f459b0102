"""A copy of the tiny bank in which every item shows one of the shipped drawings (for the picture tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TINY_BANK = ROOT / "tests" / "fixtures" / "tiny_bank"
SHIPPED_MEDIA = ROOT / "question_bank" / "media"
DRAWING = "first_aid/cpr_hand_spot.svg"
ALT = {"zh": "成人胸部的线条图，四处标着字母", "en": "A line drawing of an adult's chest with four lettered spots"}


def make_picture_bank(target: Path) -> Path:
    """Copy the tiny bank to `target`, add media/`DRAWING` and give every item `image: {file: DRAWING, alt: ALT}`."""
    shutil.copytree(TINY_BANK, target)
    (target / "media" / "first_aid").mkdir(parents=True)
    shutil.copy(SHIPPED_MEDIA / DRAWING, target / "media" / DRAWING)
    image = f"    image: {{file: {DRAWING}, alt: {{zh: {ALT['zh']}, en: \"{ALT['en']}\"}}}}\n"
    for path in (target / "items").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\n    answer:", "\n" + image + "    answer:"), encoding="utf-8")
    return target
