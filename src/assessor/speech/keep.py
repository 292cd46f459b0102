"""Keeping a worker's clip for the trainer, only when the centre turned `keep_audio` on."""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path

AUDIO_FOLDER = "audio"


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", part)[:64] or "x"


def keep_clip(clip_path: str | Path, data_dir: Path, *, session_id: str, item_id: str,
              keep_audio: bool) -> Path | None:
    """Copy the clip to `data_dir/audio/<session>/<item>-<time>-<random><ext>` and return that path (for
    `responses.audio_path`), or None when `keep_audio` is off. Call it only for a clip that was accepted."""
    if not keep_audio:
        return None
    source = Path(clip_path)
    folder = Path(data_dir) / AUDIO_FOLDER / _safe(session_id)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = _safe(source.suffix.lower()) if re.fullmatch(r"\.[a-z0-9]{1,5}", source.suffix.lower()) else ".audio"
    target = folder / f"{_safe(item_id)}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}{suffix}"
    shutil.copyfile(source, target)
    return target
