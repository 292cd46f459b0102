"""Speed of the packaged generative default (SmolLM2-135M via transformers, cached safetensors).

Prints: first-load (GGUF -> safetensors, only when the cache is empty), load from the cache, first-token latency
and tokens/s while streaming, for a few feedback-sized prompts.

    .venv/bin/python bench/lm_speed.py [--runs 5] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import rss_mb

from assessor.lm.hf_local import SMOLLM2_CACHE_NAME, SmolLM2Generator
from assessor.settings import get_settings

PROMPTS = [
    "In two short sentences, explain why you close the gas valve before opening windows when you smell gas.",
    "Rewrite this question in simpler words: What should you do first if an older person falls and says the leg hurts?",
    "In two short sentences, tell a worker why she should wash her hands before preparing baby formula.",
    "Summarise for a worker: cleaning 80%, cooking 55%, laundry 40%. Recommend what to study next.",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=len(PROMPTS))
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()
    cache = get_settings().data_dir / "cache"
    fresh = not (cache / SMOLLM2_CACHE_NAME / "model.safetensors").is_file()
    start = time.perf_counter()
    gen = SmolLM2Generator(cache)
    load = time.perf_counter() - start
    print(f"smollm2: {'converted from GGUF and loaded' if fresh else 'loaded from cached safetensors'} "
          f"in {load:.1f} s; RSS {rss_mb():.0f} MB")
    if fresh:
        start = time.perf_counter()
        SmolLM2Generator(cache)
        print(f"  reload from the cache {time.perf_counter() - start:.1f} s")
    firsts, rates = [], []
    for i in range(args.runs):
        messages = [{"role": "system", "content": "You help domestic workers. Answer in plain English."},
                    {"role": "user", "content": PROMPTS[i % len(PROMPTS)]}]
        start = time.perf_counter()
        first = None
        tokens = 0
        text = ""
        for chunk in gen.stream(messages, max_tokens=args.max_tokens):
            if first is None:
                first = time.perf_counter() - start
            text += chunk
        total = time.perf_counter() - start
        tokens = len(gen.tokenizer(text, add_special_tokens=False)["input_ids"])
        rate = (tokens - 1) / (total - first) if first is not None and tokens > 1 and total > first else 0.0
        firsts.append(first or total)
        rates.append(rate)
        print(f"  run {i + 1}: first token {firsts[-1]:.2f} s, {tokens} tokens, {rate:.1f} tokens/s: {text[:70]!r}")
    print(f"  median first token {statistics.median(firsts):.2f} s; median {statistics.median(rates):.1f} tokens/s; "
          f"RSS {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
