"""Keeping a worker's clip for the trainer, only when the centre turned `keep_audio` on."""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

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


def attach_audio(store: Any, session_id: str, item_id: str, audio_path: str | Path) -> bool:
    """Record `audio_path` on the latest stored response of `session_id` to `item_id` (`responses.audio_path`);
    False when there is no such response (nothing changed)."""
    from sqlalchemy import select

    from assessor.store.tables import Response

    with store.db() as db, db.begin():
        row = db.scalars(select(Response).where(Response.session_id == session_id, Response.item_id == item_id)
                         .order_by(Response.seq.desc()).limit(1)).first()
        if row is None:
            return False
        row.audio_path = str(audio_path)
        return True
