"""The real Whisper base model on the committed clips (marked `model`: loads real weights)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from assessor.bank.load import Bank
from assessor.speech import load_clip, voice_answer
from tests.speech.conftest import AUDIO, manifest

pytestmark = pytest.mark.model

CLIPS = manifest()


def test_spoken_choice_clips(transcriber: Any, shipped_bank: Bank) -> None:
    """The committed answer clips give their option or, when unclear, none: never a wrong one; most are right
    with rules and words alone (no embedder)."""
    right = 0
    clips = [c for c in CLIPS if c["item"]]
    for clip in clips:
        answer = voice_answer(AUDIO / clip["file"], shipped_bank.items[clip["item"]], clip["lang"],
                              transcriber=transcriber, embedder=None)
        assert answer.text, clip["file"]
        assert list(answer.option_ids) in (clip["expect"], []), (clip["file"], answer)
        right += list(answer.option_ids) == clip["expect"]
    assert right >= 0.8 * len(clips)


@pytest.mark.parametrize("name, words", [
    ("zh_open_10s.ogg", ["打开窗户", "通风", "手套", "从上到下", "拖地"]),
    ("en_open_10s.ogg", ["open the window", "gloves", "bedside table", "mop the floor"]),
    ("zh_words_top_down.ogg", ["从上到下", "到外"]),
    ("en_words_ladder.ogg", ["steady step ladder"]),
])
def test_transcript_has_the_expected_words(name: str, words: list[str], transcriber: Any) -> None:
    lang = name[:2]
    text = transcriber.transcribe(load_clip(AUDIO / name), lang).text
    for word in words:
        assert word in text.lower(), (word, text)
    if lang == "zh":
        assert "從" not in text and "裡" not in text  # Simplified characters


def test_listen_cli_json(transcriber: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import assessor.speech.answer as answer_module
    from assessor.cli import app

    monkeypatch.setattr(answer_module, "_transcriber", transcriber)
    result = CliRunner().invoke(app, ["listen", str(AUDIO / "zh_second.ogg"), "--lang", "zh", "--item", "cln-0001",
                                      "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["option"] == "b" and "第二个" in data["text"] and data["seconds"] > 0
    result = CliRunner().invoke(app, ["listen", str(AUDIO / "en_open_10s.ogg"), "--lang", "en", "--json"])
    assert json.loads(result.stdout)["option"] is None and "gloves" in json.loads(result.stdout)["text"]
