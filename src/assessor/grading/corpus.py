"""The labelled grading corpus (question_bank/grading/): answers joined with their labels, and the held-out split.

Files: answers*.jsonl `{"id", "item", "lang", "kind", "text", "writer"}`; labels*.jsonl per answer (its id in
`answer` or `id`) with, per point, whether the answer states it with the point's polarity (`said`), the critical
errors it commits (`critical`, indices) and the `band`; reviews.jsonl (trainers' decisions, same label shape plus
`text`).
Accepted label shapes for the points: `"said": [0, 1, …]`, or `"points": [{"index": i, "said": bool}, …]`, or
`"points": [0, 1, …]` (the old bench/labelled/grading.jsonl). Rows whose point count does not match the item's
current rubric are skipped and counted (the rubric changed after they were labelled).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assessor.bank.load import Bank


@dataclass(frozen=True)
class Example:
    """One labelled answer."""

    id: str
    item: str
    lang: str
    kind: str
    text: str
    said: tuple[bool, ...]
    critical: tuple[int, ...] = ()
    band: str | None = None
    source: str = "corpus"


@dataclass
class Corpus:
    """Labelled examples plus what was skipped and why."""

    examples: list[Example]
    skipped: dict[str, int] = field(default_factory=dict)

    def items(self) -> list[str]:
        return sorted({e.item for e in self.examples})


def held_out_items(folder: Path) -> set[str]:
    """The item ids in split.yaml's `held_out` (ValueError when the file is missing or malformed)."""
    path = folder / "split.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {str(i) for i in data["held_out"]}
    except (OSError, KeyError, TypeError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the held-out split {path}: {error}") from error


def _read_jsonl(paths: Iterable[Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{n}: not JSON: {error}") from error
    return rows


def parse_said(label: Mapping[str, Any]) -> list[bool] | None:
    """The per-point `said` flags of a label row in any accepted shape (None when absent)."""
    if isinstance(label.get("said"), list):
        return [bool(x) for x in label["said"]]
    points = label.get("points")
    if isinstance(points, list):
        if all(isinstance(p, Mapping) for p in points):
            ordered = sorted(points, key=lambda p: int(p.get("index", 0)))
            return [bool(p.get("said")) for p in ordered]
        return [bool(p) for p in points]
    return None


def _critical(label: Mapping[str, Any]) -> tuple[int, ...]:
    raw = label.get("critical") or []
    out = []
    for c in raw:
        out.append(int(c["index"]) if isinstance(c, Mapping) else int(c))
    return tuple(out)


def load_corpus(folder: Path, bank: Bank, *, held_out: bool = False, include_reviews: bool = True) -> Corpus:
    """Labelled examples of the corpus folder. `held_out=False` (the default, for development and tuning)
    drops the held-out items; `held_out=True` returns only them (for the final report)."""
    hold = held_out_items(folder)
    answers = {r["id"]: r for r in _read_jsonl(sorted(folder.glob("answers*.jsonl")))}
    labels = _read_jsonl(sorted(folder.glob("labels*.jsonl")))
    if include_reviews and (folder / "reviews.jsonl").exists():
        labels += [{**r, "_source": "review"} for r in _read_jsonl([folder / "reviews.jsonl"])]
    skipped: dict[str, int] = {}
    examples: list[Example] = []

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    for label in labels:
        answer_id = str(label.get("id") or label.get("answer") or "")
        answer = answers.get(answer_id, {})
        item_id = str(label.get("item") or answer.get("item") or "")
        if (item_id in hold) != held_out:
            continue
        text = label.get("text") or answer.get("text")
        item = bank.items.get(item_id)
        said = parse_said(label)
        if item is None or item.type != "open_scenario":
            skip("unknown item")
        elif text is None:
            skip("no answer text")
        elif said is None or len(said) != len(item.rubric):
            skip("point count differs from the rubric")
        else:
            examples.append(Example(answer_id, item_id, str(answer.get("lang") or label.get("lang") or ""),
                                    str(answer.get("kind") or label.get("kind") or ""), str(text), tuple(said),
                                    _critical(label), label.get("band"), str(label.get("_source", "corpus"))))
    return Corpus(examples, skipped)


def load_bench_rows(path: Path, bank: Bank, hold: set[str], *, held_out: bool = False) -> Corpus:
    """The older bench/labelled/grading.jsonl rows (`{"item", "kind", "lang", "answer", "points"}`)."""
    examples: list[Example] = []
    skipped: dict[str, int] = {}
    for n, row in enumerate(_read_jsonl([path])):
        if (row["item"] in hold) != held_out:
            continue
        item = bank.items.get(row["item"])
        said = parse_said(row)
        if item is None or said is None or len(said) != len(item.rubric):
            skipped["point count differs from the rubric"] = skipped.get("point count differs from the rubric", 0) + 1
            continue
        examples.append(Example(f"bench-{n}", row["item"], row["lang"], row["kind"], row["answer"], tuple(said),
                                source="bench"))
    return Corpus(examples, skipped)
