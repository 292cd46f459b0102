"""The one call a front end makes for a spoken answer: `voice_answer(audio_path, item, lang)`.

It checks and decodes the clip, transcribes it in the session's language and, for tap items, matches it to
options. It never raises for bad input: the worker sees `VoiceAnswer.message` in her language instead.

    answer = voice_answer("/tmp/gradio/abc.webm", item, "zh")
    answer.text        # "我选第二个" (put it in the answer box of an open item for her to check)
    answer.option_ids  # ("b",) for a choice item: show it highlighted for one tap to confirm; () = no match
    answer.message     # None, or e.g. "没听出您选的是哪一个，请直接点选……"
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessor.bank.schema import Item
from assessor.speech.audio import MAX_SECONDS, load_clip
from assessor.speech.match import Match, match_choice, match_order
from assessor.speech.messages import VoiceProblem, message
from assessor.speech.model import ModelUnavailable
from assessor.speech.transcribe import Transcriber, check_lang

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceAnswer:
    """A spoken answer: `text` heard ("" when nothing usable), `option_ids` matched for a tap item (in the
    spoken order for ordering; empty when there is no match or the item is open), `message` for the worker
    (None when all went well), `problem` (a message key: empty, silent, too_long, not_audio, corrupt,
    no_speech, no_match, order_incomplete, model_missing, bad_lang …), and timings."""

    text: str
    option_ids: tuple[str, ...] = ()
    message: str | None = None
    problem: str | None = None
    audio_seconds: float = 0.0
    seconds: float = 0.0
    method: str = "none"
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def option_id(self) -> str | None:
        """The single option heard (single choice, true/false), else None."""
        return self.option_ids[0] if len(self.option_ids) == 1 else None

    @property
    def ok(self) -> bool:
        """Whether the clip could be used (the text may still need a tap to confirm an option)."""
        return self.problem in (None, "no_match", "order_incomplete")


_transcriber: Transcriber | None = None
_transcriber_lock = threading.Lock()


def get_transcriber(cache_dir: Path | None = None) -> Transcriber:
    """The process-wide transcriber (model under `<data_dir>/cache` unless `cache_dir` is given), not loaded
    until its first use."""
    global _transcriber
    with _transcriber_lock:
        if _transcriber is None:
            if cache_dir is None:
                from assessor.settings import get_settings

                cache_dir = get_settings().data_dir / "cache"
            _transcriber = Transcriber(cache_dir)
        return _transcriber


def warm_in_background(cache_dir: Path | None = None) -> threading.Thread:
    """Start loading the speech model in a daemon thread (call at app start, so the first answer is not slow);
    a failure is logged, and voice answers then say that speech is not installed."""

    def load() -> None:
        try:
            get_transcriber(cache_dir).load()
        except Exception as error:  # the app runs without speech; voice_answer reports model_missing
            log.error("speech model not loaded: %s", error)

    thread = threading.Thread(target=load, name="speech-model", daemon=True)
    thread.start()
    return thread


def _default_embedder() -> Any:
    try:
        from assessor.retrieval.embedder import get_embedder

        return get_embedder()
    except Exception as error:  # meaning matching is optional: rules and pinyin still work
        log.warning("voice answers match without the embedder: %s", error)
        return None


def match_spoken(text: str, item: Item | None, lang: str, embedder: Any = None) -> Match | None:
    """The option match of `text` for a tap `item` (None for an open item or no item)."""
    if item is None or item.type == "open_scenario":
        return None
    if item.type == "ordering":
        return match_order(text, item, lang)
    return match_choice(text, item, lang, embedder)


def voice_answer(audio_path: str | Path | None, item: Item | None, lang: str, *,
                 transcriber: Transcriber | None = None, embedder: Any = "default",
                 max_seconds: float = MAX_SECONDS) -> VoiceAnswer:
    """Transcribe the clip at `audio_path` in `lang` ("zh"/"en", from the session) and match it to `item`'s
    options when it is a tap item. `embedder="default"` uses the configured embedder; None matches by rules
    and words only. Bad input gives a VoiceAnswer with `message` and `problem` set, never an exception."""
    try:
        check_lang(lang)
        clip = load_clip(audio_path, max_seconds=max_seconds)
        transcript = (transcriber or get_transcriber()).transcribe(clip, lang)
    except VoiceProblem as problem:
        return VoiceAnswer(text="", message=problem.message(lang), problem=problem.key)
    except ModelUnavailable as error:
        log.error("speech model unavailable: %s", error)
        return VoiceAnswer(text="", message=message("model_missing", lang), problem="model_missing")
    base = {"text": transcript.text, "audio_seconds": transcript.audio_seconds, "seconds": transcript.seconds}
    if not transcript.text:
        return VoiceAnswer(**base, message=message("no_speech", lang), problem="no_speech")  # type: ignore[arg-type]
    if embedder == "default":
        embedder = _default_embedder() if item is not None and item.type not in ("open_scenario", "ordering") else None
    match = match_spoken(transcript.text, item, lang, embedder)
    if match is None:
        return VoiceAnswer(**base)  # type: ignore[arg-type]
    if not match.option_ids:
        key = "order_incomplete" if item is not None and item.type == "ordering" else "no_match"
        text = message(key, lang, n=len(item.options) if item else 0)
        return VoiceAnswer(**base, message=text, problem=key, scores=match.scores)  # type: ignore[arg-type]
    return VoiceAnswer(**base, option_ids=match.option_ids, method=match.method,  # type: ignore[arg-type]
                       scores=match.scores)
