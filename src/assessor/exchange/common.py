"""What the QTI and Moodle writers and readers share: the split of an item into the fields each format carries
natively (id, type, stem, options, key or rubric texts, explanation) and the rest (level, domain, IRT parameters,
course refs, rubric weights, critical errors …), which travel as metadata; hardened XML parsing; size caps.

Untrusted XML is first parsed by defusedxml (a DTD, an entity declaration or an external reference is refused),
then by lxml with entities, DTD loading and network access off, to get line numbers for messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException
from lxml import etree

MAX_XML_BYTES = 20 * 1024 * 1024
"""Largest XML file (or zip member) read."""
MAX_ZIP_BYTES = 50 * 1024 * 1024
"""Largest zip package read, and largest total size of its members once unpacked."""
MAX_ZIP_MEMBERS = 5000

NATIVE_FIELDS = ("id", "type", "stem", "options", "answer", "explanation")
"""Item fields both formats carry in their own elements; every other field travels as metadata."""
RUBRIC_TEXT = ("zh", "en")


class ExchangeError(Exception):
    """A refused import file: where (file and line, 0 if unknown) and why, in plain words."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


@dataclass(frozen=True)
class RawItem:
    """An item read from an exchange file, as a dict ready for `Item.model_validate`, and where it was read."""

    data: dict[str, Any]
    file: str
    line: int


def item_extras(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of a dumped item (`model_dump(mode="json", exclude_none=True)`) that have no native home:
    everything but NATIVE_FIELDS, plus the rubric points' polarity/weight/keywords/examples without their text."""
    extras = {k: v for k, v in item.items() if k not in NATIVE_FIELDS}
    if item.get("type") == "open_scenario":
        extras["rubric"] = [{k: v for k, v in point.items() if k not in RUBRIC_TEXT} for point in item["answer"]]
    return extras


def rubric_with_extras(texts: list[dict[str, str]], extras: dict[str, Any]) -> list[dict[str, Any]]:
    """Rubric points from their texts and the carried details (a point without details counts as `do`, weight 1)."""
    details = extras.get("rubric") or []
    out = []
    for index, text in enumerate(texts):
        detail = details[index] if index < len(details) and isinstance(details[index], dict) else {"polarity": "do"}
        out.append({**text, **detail})
    return out


def merge(native: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    """The item dict: native fields win; `rubric` (already merged into the answer) is dropped."""
    rest = {k: v for k, v in extras.items() if k not in NATIVE_FIELDS and k != "rubric"}
    return {**native, **rest}


def dumps_extras(extras: dict[str, Any]) -> str:
    return json.dumps(extras, ensure_ascii=False, sort_keys=True)


def loads_extras(text: str | None, file: str, line: int) -> dict[str, Any]:
    """The metadata JSON of one item ({} when absent); refuses anything but a JSON object."""
    if not text or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExchangeError(file, line, f"the Assessor metadata is not valid JSON: {error.msg}") from error
    if not isinstance(value, dict):
        raise ExchangeError(file, line, "the Assessor metadata must be a JSON object")
    return value


def parse_xml(data: bytes, file: str) -> etree._Element:
    """Parse untrusted XML: size cap, no DTD, no entities, no network; malformed XML refused with its line."""
    if len(data) > MAX_XML_BYTES:
        raise ExchangeError(file, 0, f"the file is {len(data)} bytes; the limit is {MAX_XML_BYTES} bytes")
    try:
        safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ExchangeError(file, 0, f"refused: the XML declares a DTD or entities ({type(error).__name__})") from error
    except safe_et.ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else 0
        raise ExchangeError(file, line, f"malformed XML: {error}") from error
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ExchangeError(file, error.lineno or 0, f"malformed XML: {error.msg}") from error


def to_xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def line_of(el: etree._Element | None, default: int = 0) -> int:
    """The source line of an element (default when unknown)."""
    value = getattr(el, "sourceline", None)
    return value if isinstance(value, int) and value > 0 else default
