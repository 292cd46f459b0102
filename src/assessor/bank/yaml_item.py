"""Writing one item into a bank file: a new item appended, an edited item replaced where it stands.

Every other line of the file stays byte-identical, so `git diff` shows only the item that changed. The block is
written in the bank's own style (one key a line, texts as `{zh: …, en: …}` flow mappings), and files are
replaced atomically (a temporary file in the same folder, then a rename): a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assessor.bank.schema import Item
from assessor.bank.yaml_lines import load_with_lines

ORDER = ("id", "domain", "level", "type", "stem", "options", "answer", "explanation", "irt", "course_refs",
         "standard_ref", "tags", "status", "reviewed", "version", "critical", "plain", "image", "same_fact",
         "source", "author", "reviewer", "reviewed_on", "review_due")


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30, sort_keys=False)
    text = text.strip()
    return text.removesuffix("...").strip() if not isinstance(value, dict | list) else text


def item_data(item: Item) -> dict[str, Any]:
    """The item as a bank file holds it: defaults and empty optional fields left out, t/f options omitted."""
    data = item.model_dump(mode="json", exclude_none=True)
    if item.type == "true_false":
        data.pop("options", None)
    for name in ("options", "critical", "tags"):
        if not data.get(name):
            data.pop(name, None)
    for point in data.get("answer", []):
        if isinstance(point, dict):
            if point.get("weight") == 1.0:
                point.pop("weight")
            for name in ("keywords", "examples"):
                if not point[name]["zh"] and not point[name]["en"]:
                    point.pop(name)
    for error in data.get("critical", []):
        if not error["examples"]["zh"] and not error["examples"]["en"]:
            error.pop("examples")
    if data.get("irt", {}).get("steps") is None:
        data.get("irt", {}).pop("steps", None)
    for name in ("reviewed_on", "review_due"):
        value = getattr(item, name)
        if isinstance(value, date):
            data[name] = value  # written unquoted (YAML date), as the bank's files have them
    return {name: data[name] for name in ORDER if name in data}


def item_block(item: Item, indent: str = "  ") -> str:
    """The item as a YAML list entry at `indent`, ending in a newline."""
    lines: list[str] = []
    inner = indent + "  "
    for number, (name, value) in enumerate(item_data(item).items()):
        lead = f"{indent}- " if number == 0 else inner
        if name in ("options", "critical") or (name == "answer" and item.type == "open_scenario"):
            lines.append(f"{lead}{name}:")
            lines.extend(f"{inner}  - {_flow(entry)}" for entry in value)
        else:
            lines.append(f"{lead}{name}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _entry_span(lines: dict[tuple[str | int, ...], int], raw_items: list[Any], item_id: str,
                text_lines: list[str]) -> tuple[int, int] | None:
    """0-based [start, end) of the item's lines (its trailing blank and comment lines stay outside)."""
    index = next((i for i, raw in enumerate(raw_items) if isinstance(raw, dict) and raw.get("id") == item_id), None)
    if index is None:
        return None
    start = lines[("items", index)] - 1
    end = lines[("items", index + 1)] - 1 if ("items", index + 1) in lines else len(text_lines)
    while end > start + 1 and (not text_lines[end - 1].strip() or text_lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start, end


def replace_item(path: Path, item: Item) -> None:
    """Replace the entry of `item.id` in `path` with `item`, leaving every other line as it was.

    Raises KeyError when the file holds no item with that id."""
    data, lines = load_with_lines(path)
    raw_items = data.get("items", []) if isinstance(data, dict) else []
    text = path.read_text(encoding="utf-8")
    text_lines = text.splitlines(keepends=True)
    span = _entry_span(lines, raw_items, item.id, text_lines)
    if span is None:
        raise KeyError(item.id)
    start, end = span
    first = text_lines[start]
    indent = first[: len(first) - len(first.lstrip())]
    if not first.lstrip().startswith("-"):  # the mapping's first key sits after "- " on the same line
        indent = indent[:-2] if len(indent) >= 2 else ""
    block = item_block(item, indent)
    if end == len(text_lines) and not text_lines[end - 1].endswith("\n"):
        block = block.removesuffix("\n")
    atomic_write(path, "".join([*text_lines[:start], block, *text_lines[end:]]))


def append_item(path: Path, item: Item) -> None:
    """Add `item` at the end of `path` (a new `items:` file when it does not exist yet)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "items:\n"
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write(path, text + item_block(item))
