"""Resident memory with the app's models loaded: the embedder, the bank index, the grader, the placer and the
generative default (SmolLM2), plus one generation. Also imports gradio as the web app does.

    .venv/bin/python bench/memory.py [--no-generator]
"""

from __future__ import annotations

import argparse

from _common import peak_rss_mb, rss_mb

from assessor.bank.load import load_bank
from assessor.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-generator", action="store_true")
    args = parser.parse_args()
    steps = [("python + assessor", rss_mb())]
    import gradio  # noqa: F401  (the web app imports it)

    steps.append(("+ gradio", rss_mb()))
    settings = get_settings()
    bank = load_bank(settings.bank_dir)
    from assessor.retrieval.embedder import get_embedder
    from assessor.retrieval.grading import get_grader
    from assessor.retrieval.index import load_index
    from assessor.retrieval.placement import get_placer

    embedder = get_embedder()
    steps.append((f"+ embedder {embedder.model_id}", rss_mb()))
    index = load_index(bank, embedder)
    placer = get_placer(bank, embedder)
    grader = get_grader(embedder)
    open_item = next(i for i in bank.items.values() if i.type == "open_scenario")
    grader.grade(open_item, "先不要扶，打120")
    placer.place("我做保姆，打扫卫生做饭")
    index.search("84消毒液怎么稀释", k=3)
    steps.append((f"+ index ({len(index.entries)} passages), placer, grader", rss_mb()))
    if not args.no_generator:
        from assessor.lm.hf_local import SmolLM2Generator

        gen = SmolLM2Generator(settings.data_dir / "cache")
        gen.generate([{"role": "user", "content": "Say hello to a worker in one sentence."}], max_tokens=24)
        steps.append(("+ smollm2 loaded, one generation", rss_mb()))
    for label, mb in steps:
        print(f"  {label:48} RSS {mb:7.0f} MB")
    print(f"memory: RSS {rss_mb():.0f} MB now, peak {peak_rss_mb():.0f} MB (target <= 2560 MB)")


if __name__ == "__main__":
    main()
