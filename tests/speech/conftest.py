"""Speech fixtures: the committed clips and their manifest, an item built in code, a shared real model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assessor.bank.schema import Item

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def manifest() -> list[dict[str, Any]]:
    return json.loads((AUDIO / "manifest.json").read_text(encoding="utf-8"))["clips"]


def make_item(kind: str = "single_choice", options: list[tuple[str, str, str]] | None = None,
              answer: list[str] | None = None) -> Item:
    """A small valid item of `kind` with options (id, zh, en)."""
    options = options or [("a", "先关燃气阀门，再开窗通风", "Turn off the gas valve, then open the windows"),
                          ("b", "马上打开抽油烟机排气", "Switch on the cooker hood at once"),
                          ("c", "打电话叫邻居过来帮忙看看", "Phone a neighbour to come and look"),
                          ("d", "点一支蜡烛找漏气的地方", "Light a candle to find the leak")]
    return Item.model_validate({
        "id": "tst-0001", "domain": "safety", "level": 5, "type": kind,
        "stem": {"zh": "闻到燃气味，先做什么？", "en": "You smell gas. What do you do first?"},
        "options": [{"id": i, "zh": zh, "en": en} for i, zh, en in options],
        "answer": answer or ["a"], "explanation": {"zh": "先关阀门再开窗。", "en": "Valve first, then windows."},
        "irt": {"a": 1.0, "b": 0.0}, "course_refs": ["C-X/u1"]})


@pytest.fixture(scope="session")
def transcriber(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The real Whisper base model, assembled into a session-wide temporary cache and loaded once."""
    from assessor.speech import Transcriber

    model = Transcriber(tmp_path_factory.mktemp("speech-cache"))
    model.load()
    return model
