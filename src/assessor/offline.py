"""Offline switches. Import this module before gradio, transformers, sentence-transformers or
huggingface_hub: it keeps every library from calling out (analytics, version checks, hub look-ups), and
turns off Gradio's in-process monitoring summary, which nothing here reads.
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


#: Gradio's queue rebuilds a pandas table of up to GRADIO_ANALYTICS_MAX_EVENTS past events after every event, every
#: GRADIO_ANALYTICS_CACHE_FREQUENCY events, for its monitoring dashboard (off here: `enable_monitoring=False`).
#: The cost grows with the server's uptime (measured: 3 % of server CPU after 1,500 events; a 10,000-row table on
#: every answer by the end of a day), so it is never rebuilt and keeps a short history. Set only when unset.
QUIET_GRADIO_ENV: dict[str, str] = {
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000000000",
    "GRADIO_ANALYTICS_MAX_EVENTS": "200",
}


def apply_offline_environment() -> None:
    """Set every offline switch (forcefully: a centre must never leak traffic by accident) and, unless set
    already, the quiet Gradio queue switches."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
    for key, value in QUIET_GRADIO_ENV.items():
        os.environ.setdefault(key, value)


apply_offline_environment()
