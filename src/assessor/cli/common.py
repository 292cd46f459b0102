"""Helpers shared by CLI modules: where the bank is, printing JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def default_bank_dir() -> Path:
    from assessor.settings import get_settings

    return get_settings().bank_dir


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
