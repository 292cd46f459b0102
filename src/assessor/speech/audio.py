"""Reading a worker's clip: any container PyAV opens (webm/ogg from a browser, m4a/aac from a phone
recorder, wav, mp3), decoded to 16 kHz mono float32, with the checks that keep bad input out.

`load_clip(path)` raises `VoiceProblem` with one of: no_file, empty, too_big, not_audio, corrupt, too_long,
silent. Too long is found from the container's duration when it states one, otherwise while decoding, which
stops as soon as the limit is passed, so a 10-minute file is never decoded in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assessor.speech.messages import VoiceProblem

SAMPLE_RATE = 16_000
MAX_SECONDS = 120.0
MAX_BYTES = 25 * 1024 * 1024
MIN_SECONDS = 0.25
SILENCE_PEAK = 0.01  # below this peak amplitude (about −40 dBFS) nothing was said


AUDIO_MAGIC = (b"RIFF", b"OggS", b"ID3", b"\x1aE\xdf\xa3", b"fLaC", b"\xff\xfb", b"\xff\xf3", b"\xff\xf1")


def _looks_like_audio(file: Path) -> bool:
    """Whether the file starts like a sound file (wav, ogg, mp3, webm/mkv, flac, aac, mp4/m4a): if such a
    file cannot be opened it is damaged rather than something else."""
    with open(file, "rb") as handle:
        head = handle.read(12)
    return head.startswith(AUDIO_MAGIC) or head[4:8] == b"ftyp"


@dataclass(frozen=True)
class Clip:
    """Decoded audio: 16 kHz mono float32 samples in [-1, 1] and its length in seconds."""

    samples: np.ndarray
    seconds: float


def load_clip(path: str | Path | None, *, max_seconds: float = MAX_SECONDS) -> Clip:
    """Decode and check the clip at `path`; raise VoiceProblem (with a zh/en message) when it cannot be used."""
    import av

    if path is None or str(path) == "":
        raise VoiceProblem("no_file")
    file = Path(path)
    if not file.is_file():
        raise VoiceProblem("no_file")
    size = file.stat().st_size
    if size == 0:
        raise VoiceProblem("empty")
    if size > MAX_BYTES:
        raise VoiceProblem("too_big")
    try:
        container = av.open(str(file), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, ValueError, UnicodeDecodeError) as error:
        raise VoiceProblem("corrupt" if _looks_like_audio(file) else "not_audio") from error
    limit = max_seconds / 60
    try:
        if not container.streams.audio:
            raise VoiceProblem("not_audio")  # e.g. a photo or a video without sound
        if container.duration is not None and container.duration / 1_000_000 > max_seconds + 0.5:
            raise VoiceProblem("too_long", max=f"{limit:g}")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        total = 0
        cap = int((max_seconds + 0.5) * SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    array = out.to_ndarray().reshape(-1)
                    chunks.append(array)
                    total += array.size
                if total > cap:
                    raise VoiceProblem("too_long", max=f"{limit:g}")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except (av.error.FFmpegError, ValueError) as error:
            if total == 0:
                raise VoiceProblem("corrupt") from error
            # a clip cut short at the end (a dropped upload) keeps what decoded
    finally:
        container.close()
    samples = (np.concatenate(chunks).astype(np.float32) / 32768.0) if chunks else np.zeros(0, np.float32)
    seconds = samples.size / SAMPLE_RATE
    if seconds > max_seconds + 0.5:
        raise VoiceProblem("too_long", max=f"{limit:g}")
    if seconds < MIN_SECONDS:
        raise VoiceProblem("empty")
    if float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise VoiceProblem("silent")
    return Clip(samples=samples, seconds=seconds)
