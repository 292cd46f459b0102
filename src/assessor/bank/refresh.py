"""A loaded bank brought up to date after some of its item files changed, without parsing the rest again.

Parsing every YAML file of the shipped bank takes seconds (the pure-Python scanner keeps line numbers), so after a
trainer's save only the changed files are read; the result is the bank `check_bank` would return (same items in
the same order, same origins, same rules, same `content_hash`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from assessor.bank.load import Bank, Located, _fill_true_false, _read_list, _validate, content_hash
from assessor.bank.problems import Problem
from assessor.bank.rules import check_cross_references
from assessor.bank.schema import Item


def read_items(root: Path, rel: str) -> tuple[list[tuple[Item, Located]], list[Problem]]:
    """The items of one bank file (`rel` under `root`, e.g. items/cleaning.yaml) with where each stands."""
    problems: list[Problem] = []
    file = root / rel
    if not file.is_file():
        return [], problems
    raw_list, lines = _read_list(file, "items", root, problems)
    out: list[tuple[Item, Located]] = []
    for index, raw in enumerate(raw_list):
        path = ("items", index)
        item = _validate(Item, _fill_true_false(raw) if isinstance(raw, dict) else raw, rel, lines, path, problems)
        if item is not None:
            out.append((item, Located(rel, lines.get(path, 1), lines, path)))
    return out, problems


def read_item(root: Path, rel: str, item_id: str) -> Item | None:
    """One item as it stands on disk now (None: not in that file, or the file does not parse)."""
    items, _problems = read_items(root, rel)
    return next((item for item, _where in items if item.id == item_id), None)


def refreshed(bank: Bank, changed: list[str]) -> tuple[Bank, list[Problem]]:
    """`bank` with the item files `changed` (relative paths) read again; every rule runs on the result.

    Items keep `check_bank`'s order (files sorted by name, items in file order); a duplicate id is a problem."""
    root = bank.root
    fresh = {rel: read_items(root, rel) for rel in changed}
    problems = [p for _items, found in fresh.values() for p in found]
    by_file: dict[str, list[tuple[Item, Located]]] = {}
    for item_id, item in bank.items.items():
        where = bank.origins[f"item:{item_id}"]
        if where.file not in fresh:
            by_file.setdefault(where.file, []).append((item, where))
    for rel, (entries, _found) in fresh.items():
        by_file[rel] = entries
    items: dict[str, Item] = {}
    origins = {key: value for key, value in bank.origins.items() if not key.startswith("item:")}
    for rel in sorted(by_file, key=lambda r: (root / r).as_posix()):
        for item, where in by_file[rel]:
            if item.id in items:
                first = origins[f"item:{item.id}"]
                problems.append(Problem(where.file, where.line, "id",
                                        f"duplicate item id '{item.id}' (first at {first.file}:{first.line})"))
                continue
            items[item.id] = item
            origins[f"item:{item.id}"] = where
    new = dataclasses.replace(bank, items=items, origins=origins, content_hash=content_hash(root))
    problems.extend(check_cross_references(new))
    return new, problems
