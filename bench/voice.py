"""Voice answers: model load, RSS, transcription time, error rates on the committed clips, choice matching.

    .venv/bin/python bench/voice.py [--items 150] [--no-embedder] [--json]

- load: seconds to build the faster-whisper model from the assembled folder (assembly itself, once per data
  directory, is timed apart); RSS added by the loaded model after its first transcriptions.
- transcription: wall seconds per clip with the model loaded, and CPU seconds (process time / 2 threads) as a
  figure that a busy machine inflates less; the machine's load average is printed alongside.
- CER (zh, characters) / WER (en, words) of the clips in tests/fixtures/audio against their manifest text.
- choice matching on the clips (transcribed) and on the bank's spoken-choice set (speech/evalset.py: position,
  letter, the option's words, its first part, misheard words, "not sure"): right, none (asked to tap), wrong;
  the clips again with white noise (--snr, default 10 dB).
Targets: transcription <= 2.0 s for a 10 s answer, load <= 3 s, RSS added <= 450 MB, matching >= 95 % right
with 0 wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from _common import ROOT, rss_mb

from assessor.bank.load import load_bank
from assessor.settings import get_settings
from assessor.speech import Clip, Transcriber, ensure_model, load_clip, match_spoken
from assessor.speech.evalset import spoken_cases
from assessor.speech.match import match_choice

AUDIO = ROOT / "tests" / "fixtures" / "audio"


def edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def units(text: str, lang: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    if lang == "zh":
        return [ch for ch in text if ch.isalnum()]
    return re.sub(r"[^\w\s']", " ", text).split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=150, help="bank items per language for the text-level set")
    parser.add_argument("--no-embedder", action="store_true", help="match by rules and words only")
    parser.add_argument("--snr", type=float, default=10.0, help="also match the clips with white noise at this SNR (dB); 0 = skip")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    out: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    cache = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    started = time.perf_counter()
    ensure_model(cache)
    out["assemble_s"] = round(time.perf_counter() - started, 2)
    rss0 = rss_mb()
    transcriber = Transcriber(cache)
    started = time.perf_counter()
    transcriber.load()
    out["load_s"] = round(time.perf_counter() - started, 2)
    bank = load_bank(get_settings().bank_dir)
    clips = json.loads((AUDIO / "manifest.json").read_text(encoding="utf-8"))["clips"]
    errors: dict[str, list[int]] = {"zh": [0, 0], "en": [0, 0]}
    timings: list[dict[str, Any]] = []
    heard: list[tuple[dict[str, Any], str]] = []
    for clip in clips:
        audio = load_clip(AUDIO / clip["file"])
        cpu = time.process_time()
        result = transcriber.transcribe(audio, clip["lang"])
        cpu = (time.process_time() - cpu) / transcriber.threads
        ref, hyp = units(clip["text"], clip["lang"]), units(result.text, clip["lang"])
        errors[clip["lang"]][0] += edit_distance(ref, hyp)
        errors[clip["lang"]][1] += len(ref)
        timings.append({"file": clip["file"], "audio_s": round(audio.seconds, 1), "wall_s": round(result.seconds, 2),
                        "cpu_s": round(cpu, 2), "text": result.text})
        heard.append((clip, result.text))
    out["rss_added_mb"] = round(rss_mb() - rss0)
    out["clips"] = timings
    long_ones = [t for t in timings if t["audio_s"] >= 8]
    out["long_clip_wall_s"] = {t["file"]: t["wall_s"] for t in long_ones}
    out["long_clip_cpu_s"] = {t["file"]: t["cpu_s"] for t in long_ones}
    out["cer_zh"] = round(errors["zh"][0] / max(1, errors["zh"][1]), 3)
    out["wer_en"] = round(errors["en"][0] / max(1, errors["en"][1]), 3)

    embedder = None
    if not args.no_embedder:
        from assessor.retrieval.embedder import get_embedder

        embedder = get_embedder()
    clip_counts: Counter[str] = Counter()
    for clip, text in heard:
        if clip["item"] is None:
            continue
        match = match_spoken(text, bank.items[clip["item"]], clip["lang"], embedder)
        got = list(match.option_ids) if match else []
        clip_counts["right" if got == clip["expect"] else "none" if not got else "wrong"] += 1
    out["clip_matching"] = dict(clip_counts)
    if args.snr:
        rng = np.random.default_rng(1)
        noisy_counts: Counter[str] = Counter()
        for clip in clips:
            if clip["item"] is None:
                continue
            audio = load_clip(AUDIO / clip["file"])
            power = float(np.mean(audio.samples ** 2))
            noise = rng.normal(0, np.sqrt(power / 10 ** (args.snr / 10)), audio.samples.size).astype(np.float32)
            text = transcriber.transcribe(Clip(audio.samples + noise, audio.seconds), clip["lang"]).text
            match = match_spoken(text, bank.items[clip["item"]], clip["lang"], embedder)
            got = list(match.option_ids) if match else []
            noisy_counts["right" if got == clip["expect"] else "none" if not got else "wrong"] += 1
        out[f"clip_matching_snr{args.snr:g}"] = dict(noisy_counts)
    for lang in ("zh", "en"):
        counts: dict[str, Counter[str]] = {}
        started = time.perf_counter()
        cases = spoken_cases(bank, lang, limit=args.items)
        for case in cases:
            got = match_choice(case.text, case.item, lang, embedder).option_ids
            verdict = "right" if got == case.expect else "none" if not got else "wrong"
            counts.setdefault(case.kind, Counter())[verdict] += 1
            counts.setdefault("all", Counter())[verdict] += 1
        total = sum(counts["all"].values())
        out[f"matching_{lang}"] = {"right_share": round(counts["all"]["right"] / total, 4),
                                   "wrong": counts["all"]["wrong"], "cases": total,
                                   "ms_per_case": round(1000 * (time.perf_counter() - started) / total, 1),
                                   "by_kind": {k: dict(v) for k, v in counts.items() if k != "all"}}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    print(f"load average {out['load_average']:.1f} (2 cores); assembly {out['assemble_s']} s (once)")
    print(f"model load {out['load_s']} s (target <= 3); RSS added {out['rss_added_mb']} MB (target <= 450)")
    for t in timings:
        print(f"  {t['file']:24s} {t['audio_s']:5.1f} s audio  {t['wall_s']:5.2f} s wall  {t['cpu_s']:5.2f} s cpu/thread"
              f"  {t['text']}")
    print(f"long clips (>= 8 s) wall {out['long_clip_wall_s']} cpu {out['long_clip_cpu_s']} (target <= 2.0 s)")
    print(f"CER zh {out['cer_zh']:.1%}   WER en {out['wer_en']:.1%}  (clean synthetic clips)")
    print(f"clips matched: {out['clip_matching']}")
    if args.snr:
        print(f"clips matched with white noise at {args.snr:g} dB SNR: {out[f'clip_matching_snr{args.snr:g}']}")
    for lang in ("zh", "en"):
        m = out[f"matching_{lang}"]
        print(f"matching {lang}: {m['right_share']:.1%} right, {m['wrong']} wrong of {m['cases']} "
              f"({m['ms_per_case']} ms/case; embedder {'off' if embedder is None else 'on'}) {m['by_kind']}")


if __name__ == "__main__":
    main()
