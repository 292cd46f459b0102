"""Export a bank to QTI 3.0 / Moodle XML, and import such a file into a bank folder.

An import reads the whole file (size-capped, hardened parsing), stamps every item `status: pilot`,
`reviewed: false` and a `source` naming the file, gives a new id to an item whose id is taken (or does not fit its
domain), writes the items as a new `items/imported-<format>-<time>.yaml` in a scratch copy of the bank and runs the
same checks as `assessor bank validate` there. Only when every check passes is the file written into the bank,
through a temporary file and a rename; in every refusal nothing is written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from assessor.bank.load import Bank, check_bank
from assessor.bank.problems import Problem
from assessor.bank.rules import ID_PREFIX
from assessor.exchange.common import MAX_XML_BYTES, MAX_ZIP_BYTES, ExchangeError, RawItem
from assessor.exchange.moodle import read_moodle, write_moodle
from assessor.exchange.qti import read_qti, write_qti

Format = Literal["qti", "moodle"]
FORMATS: tuple[str, ...] = ("qti", "moodle")
_ID = re.compile(r"^(?P<prefix>[a-z]{3})-(?P<num>\d{4})$")
_EARLIER_IMPORT = re.compile(r"(^|;\s*)imported from .*$")
_ID_LINE = re.compile(r"^\s*-\s+id:\s*(\S+)\s*$", re.MULTILINE)


def export_items(bank: Bank, fmt: Format) -> bytes:
    """Every item of the bank in one QTI package (zip bytes) or one Moodle XML file."""
    items = [item.model_dump(mode="json", exclude_none=True) for item in bank.items.values()]
    if fmt == "qti":
        return write_qti(items)
    if fmt == "moodle":
        return write_moodle(items)
    raise ValueError(f"unknown format '{fmt}' (use qti or moodle)")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_exchange_file(path: Path) -> tuple[Format, list[RawItem]]:
    """Detect the format (zip: QTI; XML with <quiz>: Moodle) and read every item; size-capped."""
    name = path.name
    if path.is_symlink() or not path.is_file():
        raise ExchangeError(name, 0, "not a regular file")
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(4)
        cap = MAX_ZIP_BYTES if head.startswith(b"PK") else MAX_XML_BYTES
        if size > cap:
            raise ExchangeError(name, 0, f"the file is {size} bytes; the limit is {cap} bytes")
        data = head + handle.read(cap + 1 - len(head))
    if len(data) > cap:
        raise ExchangeError(name, 0, f"the file is over the limit of {cap} bytes")
    try:
        if data.startswith(b"PK"):
            return "qti", read_qti(data, name)
        return "moodle", read_moodle(data, name)
    except ExchangeError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
        raise ExchangeError(name, 0, f"unreadable content ({type(error).__name__}: {error})") from error


@dataclass
class ImportPlan:
    """What an import would write: the items (final dicts), renamed ids, the target file, and any problems."""

    fmt: Format
    source_file: str
    target: Path
    items: list[dict[str, Any]] = field(default_factory=list)
    origins: list[RawItem] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.items)

    def yaml_text(self) -> str:
        return yaml.safe_dump({"items": self.items}, allow_unicode=True, sort_keys=False, width=1000)


def _stamp(data: dict[str, Any], fmt: Format, file: str) -> dict[str, Any]:
    origin = f"imported from {file} ({'QTI 3.0' if fmt == 'qti' else 'Moodle XML'}, id {data.get('id', '?')})"
    base = _EARLIER_IMPORT.sub("", str(data.get("source") or "")).strip()
    return {**data, "status": "pilot", "reviewed": False, "source": f"{base}; {origin}" if base else origin}


def bank_ids(bank_root: Path) -> set[str]:
    """The item ids of a bank folder, read by pattern (the full check runs once, on the scratch copy)."""
    ids: set[str] = set()
    for file in sorted((bank_root / "items").glob("*.yaml")):
        ids.update(m.group(1).strip("'\"") for m in _ID_LINE.finditer(file.read_text(encoding="utf-8")))
    return ids


def _free_ids(taken_ids: set[str], raws: list[RawItem]) -> tuple[dict[int, str], dict[str, str]]:
    """New ids for items whose id is taken or does not fit the domain prefix (index → new id; old → new)."""
    taken = set(taken_ids)
    highest: dict[str, int] = {}
    for item_id in taken:
        match = _ID.match(item_id)
        if match:
            highest[match["prefix"]] = max(highest.get(match["prefix"], 0), int(match["num"]))
    new_ids: dict[int, str] = {}
    renamed: dict[str, str] = {}
    for index, raw in enumerate(raws):
        item_id = str(raw.data.get("id", ""))
        prefix = ID_PREFIX.get(str(raw.data.get("domain", "")))
        if prefix and (item_id in taken or not item_id.startswith(prefix + "-") or not _ID.match(item_id)):
            highest[prefix] = highest.get(prefix, 0) + 1
            new = f"{prefix}-{highest[prefix]:04d}"
            new_ids[index] = new
            renamed[item_id] = new
            taken.add(new)
        else:
            taken.add(item_id)
    return new_ids, renamed


def _item_at(text: str, line: int) -> str | None:
    current = None
    for number, content in enumerate(text.splitlines(), start=1):
        match = re.match(r"^- id: (\S+)", content)
        if match:
            current = match.group(1).strip("'\"")
        if number >= line:
            break
    return current


def plan_import(path: Path, bank_root: Path, now: datetime | None = None) -> ImportPlan:
    """Read `path`, prepare its items for `bank_root` and validate the bank with them added (writes nothing
    in the bank). Raises ExchangeError for an unreadable or hostile file; other problems go in `plan.problems`."""
    fmt, raws = read_exchange_file(path)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = bank_root / "items" / f"imported-{fmt}-{stamp}.yaml"
    plan = ImportPlan(fmt, path.name, target, origins=raws)
    if not raws:
        plan.problems.append(f"{path.name}: the file holds no question")
        return plan
    new_ids, plan.renamed = _free_ids(bank_ids(bank_root), raws)
    for index, raw in enumerate(raws):
        data = _stamp(raw.data, fmt, path.name)
        if index in new_ids:
            data["id"] = new_ids[index]
        plan.items.append(data)
    plan.problems.extend(_validate_in_copy(plan, bank_root, raws))
    return plan


def _validate_in_copy(plan: ImportPlan, bank_root: Path, raws: list[RawItem]) -> list[str]:
    text = plan.yaml_text()
    by_id = {str(item["id"]): raw for item, raw in zip(plan.items, raws, strict=True)}
    with tempfile.TemporaryDirectory(prefix="assessor-import-") as scratch:
        copy = Path(scratch) / "bank"
        shutil.copytree(bank_root, copy, symlinks=True)
        rel = plan.target.relative_to(bank_root)
        (copy / rel).write_text(text, encoding="utf-8")
        _, problems = check_bank(copy)
    messages = [_describe(problem, str(rel), text, by_id) for problem in problems if problem.file == str(rel)]
    others = [problem for problem in problems if problem.file != str(rel)]
    if others:
        messages.append(f"the bank {bank_root} has {len(others)} problem(s) of its own (first: {others[0]}): "
                        "run `assessor bank validate` and fix them first")
    return messages


def _describe(problem: Problem, rel: str, text: str, by_id: dict[str, RawItem]) -> str:
    if problem.file != rel:
        return str(problem)
    item_id = _item_at(text, problem.line)
    raw = by_id.get(item_id or "")
    where = f"{raw.file}:{raw.line}" if raw else rel
    return f"{where}: item {item_id}: {problem.field + ': ' if problem.field else ''}{problem.message}"


def apply_import(plan: ImportPlan) -> Path:
    """Write the planned items as a new bank file (temporary file, then rename). Refuses a plan with problems."""
    if not plan.ok:
        raise ExchangeError(plan.source_file, 0, "the import has problems; nothing was written")
    if plan.target.exists():
        raise ExchangeError(plan.source_file, 0, f"{plan.target} exists already; nothing was written")
    write_atomic(plan.target, plan.yaml_text().encode("utf-8"))
    return plan.target
