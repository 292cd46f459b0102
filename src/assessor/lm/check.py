"""`assessor models add`: check that a local model loads, measure it, run the gate on fixed prompts, register it.

A model is a GGUF file (loaded by transformers with `gguf_file=`, dequantised to fp32) or a transformers folder
(config.json). The figures: load time, time to the first streamed token, tokens per second after it, and for
each language how many generated texts the gate lets through (and why the others failed), on the same prompts
every time (`rephrase` and `feedback` of the fixed items FIXED_ITEMS, both languages).

The registry is `<data_dir>/models.json` (written through a temporary file and a rename); `assessor models list`
shows it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assessor.bank.load import Bank
from assessor.lm import prompts
from assessor.lm.base import GeneratorUnavailable, Message
from assessor.lm.gate import Gate
from assessor.lm.hf_local import TransformersGenerator, _torch_threads

REGISTRY_NAME = "models.json"
FIXED_ITEMS: tuple[str, ...] = ("eld-0001", "saf-0005")
SPEED_PROMPT: list[Message] = [
    {"role": "system", "content": "You are a helpful assistant. Answer in plain English."},
    {"role": "user", "content": "In two sentences: why should a carer wash their hands before cooking?"},
]


class GGUFGenerator(TransformersGenerator):
    """A single GGUF file, loaded through transformers (dequantised). Without a chat template in the file the
    messages are joined as plain text (a base model then just continues it)."""

    name = "gguf"

    def __init__(self, file: Path, model_id: str | None = None, threads: int = 1) -> None:  # noqa: D107
        import threading

        from transformers import AutoModelForCausalLM, AutoTokenizer

        file = Path(file)
        if not file.is_file() or file.suffix.lower() != ".gguf":
            raise GeneratorUnavailable(f"{file} is not a .gguf file")
        _torch_threads(threads)
        self.folder = file.parent
        self.model_id = model_id or file.stem
        self.tokenizer = AutoTokenizer.from_pretrained(str(file.parent), gguf_file=file.name)
        self.model = AutoModelForCausalLM.from_pretrained(str(file.parent), gguf_file=file.name)
        self.model.eval()
        self._lock = threading.Lock()

    def _input_ids(self, messages: Sequence[Message]) -> Any:
        if getattr(self.tokenizer, "chat_template", None):
            return super()._input_ids(messages)
        text = "\n\n".join(m["content"] for m in messages) + "\n\n"
        return self.tokenizer(text, return_tensors="pt")["input_ids"]


def load_model(path: Path, threads: int = 1) -> TransformersGenerator:
    """A generator for a GGUF file or a transformers folder; GeneratorUnavailable with the reason otherwise."""
    path = Path(path)
    if not path.exists():
        raise GeneratorUnavailable(f"{path} does not exist")
    try:
        if path.is_file():
            return GGUFGenerator(path, threads=threads)
        return TransformersGenerator(path, threads=threads)
    except GeneratorUnavailable:
        raise
    except Exception as error:  # transformers raises many kinds for a file it cannot read
        raise GeneratorUnavailable(f"{path} does not load: {type(error).__name__}: {error}") from error


@dataclass
class Speed:
    first_token_s: float
    tokens_per_s: float
    tokens: int


def measure_speed(generator: TransformersGenerator, max_tokens: int = 32) -> Speed:
    """Time to the first streamed chunk and tokens per second over the rest of a fixed English prompt."""
    start = time.perf_counter()
    first: float | None = None
    text = ""
    for chunk in generator.stream(SPEED_PROMPT, max_tokens=max_tokens):
        if first is None:
            first = time.perf_counter()
        text += chunk
    end = time.perf_counter()
    tokens = len(generator.tokenizer(text, add_special_tokens=False)["input_ids"]) if text else 0
    first = first if first is not None else end
    rate = (tokens - 1) / (end - first) if tokens > 1 and end > first else 0.0
    return Speed(round(first - start, 3), round(rate, 2), tokens)


@dataclass
class GateTally:
    passed: int = 0
    total: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    samples: list[dict[str, str]] = field(default_factory=list)
    """Each generated text (cut to 200 characters) with its use and the gate's reason, for a trainer to read:
    passing the gate says nothing about whether the facts are right."""


def gate_prompts(bank: Bank, langs: Sequence[str] = ("zh", "en")) -> list[prompts.Task]:
    """The fixed tasks: rephrase and feedback (after a wrong answer) of FIXED_ITEMS (topped up with the first ids
    of a bank that lacks them), in each language."""
    items = [bank.items[i] for i in FIXED_ITEMS if i in bank.items]
    items += [i for i in sorted(bank.items.values(), key=lambda i: i.id) if i not in items][: len(FIXED_ITEMS) - len(items)]
    tasks: list[prompts.Task] = []
    for lang in langs:
        for item in items:
            tasks.append(prompts.rephrase(item, lang))
            tasks.append(prompts.feedback(item, lang, False, None))
    return tasks


def run_gate(generator: TransformersGenerator, gate: Gate, tasks: Sequence[prompts.Task],
             max_tokens: int = 64) -> dict[str, GateTally]:
    """Generate each task's text and gate it as the service does; tallies per language."""
    tally: dict[str, GateTally] = {}
    for task in tasks:
        task = dataclasses.replace(task, max_tokens=min(task.max_tokens, max_tokens))
        text = generator.generate(task.messages, max_tokens=task.max_tokens)
        decision = gate.check(text, lang=task.lang, fallback=task.fallback, sources=task.sources, use=task.use,
                              forbidden=task.forbidden, before_answer=task.before_answer, min_chars=task.min_chars,
                              max_chars=task.max_chars, worker_facing=task.audience == "worker",
                              must_ask=task.must_ask, margin=task.grounding_margin,
                              forbidden_keywords=task.forbidden_keywords)
        entry = tally.setdefault(task.lang, GateTally())
        entry.total += 1
        entry.samples.append({"use": task.use, "reason": decision.reason, "text": (text or "")[:200]})
        if decision.source == "model":
            entry.passed += 1
        else:
            entry.reasons = dict(Counter(entry.reasons) + Counter([decision.reason]))
    return tally


@dataclass
class ModelReport:
    """What `models add` found for one model; stored in the registry."""

    name: str
    path: str
    kind: str
    load_s: float
    first_token_s: float
    tokens_per_s: float
    gate: dict[str, dict[str, Any]]
    added: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_model(path: Path, bank: Bank | Callable[[], Bank], gate: Gate | Callable[[], Gate],
                name: str | None = None, max_tokens: int = 64, threads: int = 1) -> ModelReport:
    """Load, measure and gate one model (raises GeneratorUnavailable when it does not load). `bank` and `gate`
    may be callables, called only once the model has loaded."""
    start = time.perf_counter()
    generator = load_model(path, threads=threads)
    load_s = round(time.perf_counter() - start, 2)
    speed = measure_speed(generator)
    bank = bank if isinstance(bank, Bank) else bank()
    gate = gate if isinstance(gate, Gate) else gate()
    tally = run_gate(generator, gate, gate_prompts(bank), max_tokens=max_tokens)
    return ModelReport(name or generator.model_id, str(Path(path).resolve()), "gguf" if Path(path).is_file()
                       else "transformers", load_s, speed.first_token_s, speed.tokens_per_s,
                       {lang: asdict(t) for lang, t in tally.items()})


def registry_path(data_dir: Path) -> Path:
    return Path(data_dir) / REGISTRY_NAME


def registered_models(data_dir: Path) -> list[dict[str, Any]]:
    """The registered models ([] without a registry; a damaged registry raises ValueError naming the file)."""
    path = registry_path(data_dir)
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from error
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, list):
        raise ValueError(f"{path}:1: expected an object with a list under 'models'")
    return [m for m in models if isinstance(m, dict)]


def registered_model(data_dir: Path, name: str | None) -> dict[str, Any] | None:
    """The registry entry added under `name` (None when there is none; a damaged registry raises ValueError)."""
    return next((m for m in registered_models(data_dir) if m.get("name") == name), None)


def register_model(data_dir: Path, report: ModelReport) -> Path:
    """Add (or replace, by name) a model in the registry; atomic write."""
    path = registry_path(data_dir)
    models = [m for m in registered_models(data_dir) if m.get("name") != report.name] + [report.to_json()]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".models.", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"models": models}, out, ensure_ascii=False, indent=2)
    os.replace(tmp, path)
    return path
