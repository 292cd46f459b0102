"""Rewriting bank files: the `irt:` entry of calibrated items, every other line left as it was.

`assessor calibrate --apply` writes through here; the engine core (cat/) never touches files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol


class IrtValues(Protocol):
    """What is written for one item (e.g. cat.calibrate.ItemEstimate)."""

    @property
    def item_id(self) -> str: ...
    @property
    def a(self) -> float: ...
    @property
    def b(self) -> float: ...
    @property
    def c(self) -> float: ...
    @property
    def steps(self) -> tuple[float, ...] | None: ...


_IRT_FLOW = re.compile(r"^(?P<indent>\s*)irt:\s*\{.*\}\s*$")
_IRT_BLOCK = re.compile(r"^(?P<indent>\s*)irt:\s*$")
_ITEM_START = re.compile(r"^\s*-\s+id:\s*(?P<id>\S+)\s*$")


def irt_flow(values: IrtValues) -> str:
    """The YAML flow mapping written back: {a: …, b: …, c: …, [steps: […],] source: calibrated}."""
    parts = [f"a: {values.a:.3f}", f"b: {values.b:.3f}", f"c: {values.c:g}"]
    if values.steps is not None:
        parts.append("steps: [" + ", ".join(f"{s:.3f}" for s in values.steps) + "]")
    parts.append("source: calibrated")
    return "{" + ", ".join(parts) + "}"


def rewrite_irt_lines(text: str, updates: Mapping[str, IrtValues]) -> tuple[str, list[str]]:
    """Replace the `irt:` entry of each updated item in one YAML file's text, leaving every other line
    as it was. Handles the flow form `irt: {...}` and a block form (`irt:` then indented lines).
    Returns the new text and the ids rewritten."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    current: str | None = None
    done: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        start = _ITEM_START.match(line)
        if start:
            current = start.group("id")
        flow = _IRT_FLOW.match(line)
        block = _IRT_BLOCK.match(line)
        if current is not None and current in updates and current not in done and (flow or block):
            match = flow or block
            assert match is not None
            indent = match.group("indent")
            newline = "\n" if line.endswith("\n") else ""
            out.append(f"{indent}irt: {irt_flow(updates[current])}{newline}")
            done.append(current)
            i += 1
            if block:
                while i < len(lines) and (lines[i].strip() == "" or len(lines[i]) - len(lines[i].lstrip()) > len(indent)):
                    if lines[i].strip() == "":
                        break
                    i += 1
            continue
        out.append(line)
        i += 1
    return "".join(out), done


def apply_to_files(root: Path, files: Mapping[str, Sequence[IrtValues]]) -> dict[str, list[str]]:
    """Rewrite the `irt:` lines of calibrated items in each bank file (relative path → estimates)."""
    written: dict[str, list[str]] = {}
    for rel, estimates in files.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        new, done = rewrite_irt_lines(text, {e.item_id: e for e in estimates})
        if new != text:
            path.write_text(new, encoding="utf-8")
        written[rel] = done
    return written
