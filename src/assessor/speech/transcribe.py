"""Speech to text with faster-whisper (Whisper base, CTranslate2 int8 on the CPU), loaded on first use.

The language always comes from the session ("zh" or "en"), never auto-detected (detection costs ~1 s and can
pick the wrong language); Chinese gets a prompt that asks for Simplified characters.

    transcriber = Transcriber(cache_dir)          # nothing loaded yet
    result = transcriber.transcribe(clip, "zh")   # loads the model once (~1 s), then ~1.5-2 s per answer
    result.text, result.seconds
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.speech.audio import Clip
from assessor.speech.messages import VoiceProblem
from assessor.speech.model import ensure_model

ZH_PROMPT = "以下是普通话的句子，使用简体中文。"
LANGS = ("zh", "en")
# On a very short or unclear clip Whisper sometimes repeats its prompt instead of listening: such a text is no answer.
PROMPT_ECHOES = ("普通话", "简体中文", "使用简体", "以下是")
TOKENS_PER_SECOND = 12  # Whisper writes at most a few tokens per second of speech; more is a hallucination loop


def _to_simplified(text: str) -> str:
    """Traditional characters to Simplified (OpenCC t2s); the text unchanged if OpenCC is not installed."""
    global _t2s
    if _t2s is None:
        try:
            import opencc

            _t2s = opencc.OpenCC("t2s")
        except Exception:  # OpenCC is a nicety: pinyin matching does not need it
            _t2s = False
    return _t2s.convert(text) if _t2s else text


_t2s: Any = None


def is_prompt_echo(text: str) -> bool:
    """Whether `text` is (part of) the Chinese prompt rather than something the worker said."""
    core = "".join(ch for ch in text if ch.isalnum())
    return bool(core) and (core in ZH_PROMPT or any(echo in core for echo in PROMPT_ECHOES))


@dataclass(frozen=True)
class Transcript:
    """What was heard: `text` (stripped, may be empty), `seconds` spent transcribing, `audio_seconds` heard."""

    text: str
    seconds: float
    audio_seconds: float


def check_lang(lang: str) -> str:
    """`lang` if it is "zh" or "en"; otherwise VoiceProblem("bad_lang")."""
    if lang not in LANGS:
        raise VoiceProblem("bad_lang")
    return lang


class Transcriber:
    """A lazily loaded Whisper model shared by all sessions; `transcribe` is thread-safe (one at a time, since
    the 2 CPU threads are all it has)."""

    def __init__(self, cache_dir: Path, *, threads: int = 2, compute_type: str = "int8", beam_size: int = 5) -> None:
        self.cache_dir = Path(cache_dir)
        self.threads = threads
        self.compute_type = compute_type
        self.beam_size = beam_size
        self._model: Any = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Assemble (first time only) and load the model; ModelUnavailable if it cannot be."""
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._model is not None:
            return
        started = time.perf_counter()
        folder = ensure_model(self.cache_dir)
        from faster_whisper import WhisperModel

        self._model = WhisperModel(str(folder), device="cpu", compute_type=self.compute_type,
                                   cpu_threads=self.threads, local_files_only=True)
        self.load_seconds = time.perf_counter() - started

    def transcribe(self, clip: Clip, lang: str) -> Transcript:
        """The text of `clip` in `lang` ("zh" or "en"); VoiceProblem("bad_lang") for any other language."""
        check_lang(lang)
        with self._lock:
            self._load_locked()
            started = time.perf_counter()
            segments, _info = self._model.transcribe(
                clip.samples, language=lang, task="transcribe", beam_size=self.beam_size,
                initial_prompt=ZH_PROMPT if lang == "zh" else None, condition_on_previous_text=False,
                without_timestamps=True, vad_filter=False, temperature=0.0,
                max_new_tokens=min(440, int(10 + TOKENS_PER_SECOND * clip.seconds)))
            parts = [segment.text.strip() for segment in segments if segment.no_speech_prob < 0.8]
            seconds = time.perf_counter() - started
        text = ("" if lang == "zh" else " ").join(p for p in parts if p).strip()
        if lang == "zh":
            text = "" if is_prompt_echo(text) else _to_simplified(text)
        if _looping(text):
            text = ""
        return Transcript(text=text, seconds=seconds, audio_seconds=clip.seconds)


def _looping(text: str) -> bool:
    """A hallucination loop such as "4-1-1-1-1-1-…": one short piece repeated to fill the output."""
    compact = "".join(text.split())
    if len(compact) < 12:
        return False
    for size in range(1, 5):
        for start in range(min(size, len(compact))):
            piece = compact[start:start + size]
            if compact.count(piece) * size >= 0.7 * len(compact):
                return True
    return False
