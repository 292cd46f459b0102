"""Files the app hands to a browser (the worker's PDF report, the trainer's exports), in one folder of the data
directory instead of a new temporary folder per click.

- `once(name, make)`: a file made at most once per name (a worker's report per session, language and version:
  a refresh or a language switch reuses it).
- `fresh(stem, suffix, data)`: a new export, and every file in the folder older than `max_age` seconds is removed
  first, so exports never pile up.
Writes are atomic (a temporary name, then a rename), so a concurrent reader never sees half a file.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """`name` reduced to letters, digits, dot, dash and underscore (never a path)."""
    cleaned = _UNSAFE.sub("-", name).strip(".-")
    if not cleaned:
        raise ValueError(f"file name {name!r} has no usable characters")
    return cleaned[:120]


class FileFolder:
    """One folder of served files (made on first write)."""

    def __init__(self, folder: Path, *, max_age: float = 3600.0) -> None:
        self.folder = Path(folder)
        self.max_age = max_age

    def _write(self, path: Path, data: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        part.write_bytes(data)
        os.replace(part, path)
        return path

    def once(self, name: str, make: Callable[[], bytes]) -> Path:
        """The file `name`, made by `make()` only if it does not exist yet."""
        path = self.folder / safe_name(name)
        if path.is_file():
            return path
        return self._write(path, make())

    def fresh(self, stem: str, suffix: str, data: bytes | str, *, encoding: str = "utf-8") -> Path:
        """A new file `stem-YYYYmmdd-HHMMSS-xxxx.suffix` with `data`; files older than `max_age` are removed."""
        self.prune()
        name = safe_name(f"{stem}-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}{suffix}")
        raw = data.encode(encoding) if isinstance(data, str) else data
        return self._write(self.folder / name, raw)

    def prune(self, now: float | None = None) -> int:
        """Remove files older than `max_age` seconds; returns how many were removed."""
        if not self.folder.is_dir():
            return 0
        cutoff = (time.time() if now is None else now) - self.max_age
        removed = 0
        for path in self.folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # removed by a concurrent prune
                continue
        return removed

    def files(self) -> list[Path]:
        """The files present now (not the partial ones being written)."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.is_file() and not p.name.startswith("."))
