"""Offline switches. Import this module before gradio, transformers, sentence-transformers or
huggingface_hub: it keeps every library from calling out (analytics, version checks, hub look-ups).
"""

import os

OFFLINE_ENV: dict[str, str] = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_DATASETS_OFFLINE": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_environment() -> None:
    """Set every offline switch (forcefully: a centre must never leak traffic by accident)."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


apply_offline_environment()
