"""Load a question bank directory into typed objects, collecting every problem with file and line.

Layout: `domains.yaml`, `roles.yaml`, `courses.yaml` and `items/<domain>.yaml` (each a mapping with
one list under `domains`, `roles`, `courses` or `items`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assessor.bank.problems import BankError, Problem
from assessor.bank.rules import check_cross_references
from assessor.bank.schema import Course, Domain, GlossaryTerm, Item, Role
from assessor.bank.yaml_lines import Path_, YamlSyntaxError, line_of, load_with_lines

ModelT = TypeVar("ModelT", bound=BaseModel)

TRUE_FALSE_OPTIONS = [
    {"id": "t", "zh": "对", "en": "True"},
    {"id": "f", "zh": "错", "en": "False"},
]


@dataclass(frozen=True)
class Located:
    """Where an object came from: file and line, for messages about it."""

    file: str
    line: int
    lines: dict[Path_, int]
    path: Path_


@dataclass
class Bank:
    """A loaded bank. `content_hash` changes whenever any bank file changes."""

    root: Path
    domains: dict[str, Domain] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    glossary: dict[str, GlossaryTerm] = field(default_factory=dict)
    origins: dict[str, Located] = field(default_factory=dict)
    content_hash: str = ""

    @property
    def version(self) -> str:
        return self.content_hash[:12]

    def active_items(self) -> list[Item]:
        return [item for item in self.items.values() if item.status == "active"]

    def unit_title(self, ref: str) -> tuple[Course, Any] | None:
        course_id, _, unit_id = ref.partition("/")
        course = self.courses.get(course_id)
        if course is None:
            return None
        unit = next((u for u in course.units if u.id == unit_id), None)
        return course, unit


def _friendly(error: Any) -> str:
    kind = error.get("type", "")
    loc = error.get("loc", ())
    last = str(loc[-1]) if loc else ""
    if kind == "missing":
        if last in ("zh", "en"):
            return f"the {'Chinese (zh)' if last == 'zh' else 'English (en)'} text is missing"
        return f"required field '{last}' is missing"
    if kind == "extra_forbidden":
        return f"unknown field '{last}' (check the spelling)"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if last in ("zh", "en") and "empty" in message:
        return f"the {'Chinese (zh)' if last == 'zh' else 'English (en)'} text is empty"
    return message


def _field_name(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part in ("list[str]", "list[RubricPoint]", "str", "RubricPoint"):
            continue
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def _validate(
    model: type[ModelT], raw: Any, file: str, lines: dict[Path_, int], path: Path_, problems: list[Problem]
) -> ModelT | None:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        seen: set[tuple[int, str, str]] = set()
        errors = error.errors()
        # A union (answer) reports each branch; keep the most specific branch's messages.
        for detail in errors:
            loc = tuple(p for p in detail["loc"] if p not in ("list[str]", "list[RubricPoint]", "str", "RubricPoint"))
            line = line_of(lines, (*path, *loc))
            name = _field_name(detail["loc"])
            message = _friendly(detail)
            key = (line, name.split("[")[0], message)
            if key in seen:
                continue
            seen.add(key)
            problems.append(Problem(file, line, name, message))
        return None


def _read_list(file: Path, key: str, root: Path, problems: list[Problem]) -> tuple[list[Any], dict[Path_, int]]:
    rel = str(file.relative_to(root)) if file.is_relative_to(root) else str(file)
    try:
        data, lines = load_with_lines(file)
    except YamlSyntaxError as error:
        problems.append(Problem(rel, error.line, "", error.message))
        return [], {}
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(rel, 1, "", f"cannot read the file: {error}"))
        return [], {}
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(Problem(rel, 1, key, f"the file must hold a list under '{key}:'"))
        return [], lines
    return data[key], lines


def content_hash(root: Path) -> str:
    """sha256 over every bank file's relative path and bytes, in sorted order."""
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*.yaml")):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def check_bank(root: Path | str) -> tuple[Bank, list[Problem]]:
    """Load everything that parses and return it with every problem found (empty list: all good)."""
    root = Path(root)
    problems: list[Problem] = []
    bank = Bank(root=root)
    if not root.is_dir():
        return bank, [Problem(str(root), 1, "", "the question bank folder does not exist")]
    for name in ("domains.yaml", "roles.yaml", "courses.yaml"):
        if not (root / name).is_file():
            problems.append(Problem(name, 1, "", f"the bank has no {name}"))

    def collect(file: Path, key: str, model: type[ModelT], prep: Any = None) -> list[tuple[ModelT, Located]]:
        if not file.is_file():
            return []
        raw_list, lines = _read_list(file, key, root, problems)
        rel = str(file.relative_to(root))
        out: list[tuple[ModelT, Located]] = []
        for index, raw in enumerate(raw_list):
            path: Path_ = (key, index)
            if prep is not None and isinstance(raw, dict):
                raw = prep(raw)
            obj = _validate(model, raw, rel, lines, path, problems)
            if obj is not None:
                out.append((obj, Located(rel, line_of(lines, path), lines, path)))
        return out

    def add(kind: str, target: dict[str, Any], entries: list[tuple[Any, Located]]) -> None:
        for obj, where in entries:
            if obj.id in target:
                first = bank.origins.get(f"{kind}:{obj.id}")
                first_at = f" (first at {first.file}:{first.line})" if first else ""
                problems.append(Problem(where.file, where.line, "id", f"duplicate {kind} id '{obj.id}'{first_at}"))
                continue
            target[obj.id] = obj
            bank.origins[f"{kind}:{obj.id}"] = where

    add("domain", bank.domains, collect(root / "domains.yaml", "domains", Domain))
    add("role", bank.roles, collect(root / "roles.yaml", "roles", Role))
    add("course", bank.courses, collect(root / "courses.yaml", "courses", Course))
    item_files = sorted((root / "items").glob("*.yaml")) if (root / "items").is_dir() else []
    if not item_files:
        problems.append(Problem("items", 1, "", "the bank has no item files under items/"))
    for file in item_files:
        add("item", bank.items, collect(file, "items", Item, _fill_true_false))
    add("term", bank.glossary, collect(root / "glossary.yaml", "terms", GlossaryTerm))
    problems.extend(check_cross_references(bank))
    bank.content_hash = content_hash(root)
    return bank, problems


def _fill_true_false(raw: dict[str, Any]) -> dict[str, Any]:
    if raw.get("type") == "true_false" and not raw.get("options"):
        raw = {**raw, "options": TRUE_FALSE_OPTIONS}
    return raw


def load_bank(root: Path | str) -> Bank:
    """Load a bank or raise BankError listing every problem."""
    bank, problems = check_bank(root)
    if problems:
        raise BankError(problems)
    return bank
