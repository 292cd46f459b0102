"""IMS QTI 3.0 packages (a zip with imsmanifest.xml and one XML file per item and language).

Languages: two variants per item, `items/<id>.zh.xml` and `items/<id>.en.xml`, each a monolingual
`qti-assessment-item` with `xml:lang` on its root and the same `identifier`, so any QTI player shows a whole item in
one language; the reader pairs the variants by identifier and refuses an item that lacks one.

Types: single_choice, multiple_choice and true_false as `qti-choice-interaction` (max-choices 1 / 0; true/false
marked `class="assessor-true-false"`), ordering as `qti-order-interaction` (correct response = the right order),
open_scenario as `qti-extended-text-interaction` with the rubric points as an ordered list in a scorer
`qti-rubric-block`. The explanation is a `qti-modal-feedback`. Every other field (level, domain, IRT parameters,
course refs, tags, rubric weights and polarity, critical errors, provenance …) is JSON in an
`<assessor:item>` element of the resource's `<metadata>` in the manifest.

Hostile packages are refused before anything is read: over MAX_ZIP_BYTES, too many members, a member with an
absolute path, `..`, a backslash or a drive letter, a symlink, or members that unpack to more than MAX_ZIP_BYTES.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from assessor.exchange.common import (
    MAX_XML_BYTES,
    MAX_ZIP_BYTES,
    MAX_ZIP_MEMBERS,
    ExchangeError,
    RawItem,
    dumps_extras,
    item_extras,
    line_of,
    loads_extras,
    merge,
    parse_xml,
    rubric_with_extras,
    to_xml_bytes,
)

QTI_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
ASSESSOR_NS = "urn:x-assessor:exchange:1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ITEM_RESOURCE = "imsqti_item_xmlv3p0"
MATCH_CORRECT = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"
TRUE_FALSE_CLASS = "assessor-true-false"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(tag), {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def item_variant(item: dict[str, Any], lang: str) -> bytes:
    """One language variant of one item as a qti-assessment-item document."""
    kind = item["type"]
    root = etree.Element(_q("qti-assessment-item"), nsmap={None: QTI_NS},  # type: ignore[dict-item]
                         attrib={"identifier": item["id"], "title": item["id"], "adaptive": "false",
                                 "time-dependent": "false", XML_LANG: lang})
    cardinality = {"single_choice": "single", "true_false": "single", "multiple_choice": "multiple",
                   "ordering": "ordered", "open_scenario": "single"}[kind]
    base = "string" if kind == "open_scenario" else "identifier"
    decl = _sub(root, "qti-response-declaration", identifier="RESPONSE", cardinality=cardinality, base_type=base)
    if kind != "open_scenario":
        correct = _sub(decl, "qti-correct-response")
        for value in item["answer"]:
            _sub(correct, "qti-value", value)
    _sub(root, "qti-outcome-declaration", identifier="SCORE", cardinality="single", base_type="float")
    _sub(root, "qti-outcome-declaration", identifier="FEEDBACK", cardinality="single", base_type="identifier")
    body = _sub(root, "qti-item-body")
    if kind in ("single_choice", "multiple_choice", "true_false"):
        inter = _sub(body, "qti-choice-interaction", response_identifier="RESPONSE", shuffle="false",
                     max_choices="0" if kind == "multiple_choice" else "1")
        if kind == "true_false":
            inter.set("class", TRUE_FALSE_CLASS)
    elif kind == "ordering":
        inter = _sub(body, "qti-order-interaction", response_identifier="RESPONSE", shuffle="false")
    else:
        inter = _sub(body, "qti-extended-text-interaction", response_identifier="RESPONSE", expected_lines="6")
    _sub(inter, "qti-prompt", item["stem"][lang])
    for option in item.get("options", []) if kind != "open_scenario" else []:
        _sub(inter, "qti-simple-choice", option[lang], identifier=option["id"])
    if kind == "open_scenario":
        block = _sub(body, "qti-rubric-block", view="scorer", use="scoring")
        listing = _sub(_sub(block, "qti-content-body"), "ol", **{"class": "assessor-rubric"})
        for point in item["answer"]:
            _sub(listing, "li", point[lang])
    else:
        _sub(root, "qti-response-processing", template=MATCH_CORRECT)
    _sub(root, "qti-modal-feedback", item["explanation"][lang], outcome_identifier="FEEDBACK",
         identifier="EXPLANATION", show_hide="hide")
    return to_xml_bytes(root)


def write_qti(items: list[dict[str, Any]]) -> bytes:
    """A QTI 3.0 content package (zip bytes) of dumped items (exclude_none)."""
    manifest = etree.Element(f"{{{CP_NS}}}manifest", nsmap={None: CP_NS, "assessor": ASSESSOR_NS},  # type: ignore[dict-item]
                             identifier="assessor-bank")
    etree.SubElement(manifest, f"{{{CP_NS}}}organizations")
    resources = etree.SubElement(manifest, f"{{{CP_NS}}}resources")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for item in sorted(items, key=lambda i: i["id"]):
            meta = dumps_extras(item_extras(item))
            for lang in ("zh", "en"):
                href = f"items/{item['id']}.{lang}.xml"
                package.writestr(href, item_variant(item, lang))
                res = etree.SubElement(resources, f"{{{CP_NS}}}resource", identifier=f"{item['id']}-{lang}",
                                       type=ITEM_RESOURCE, href=href)
                etree.SubElement(etree.SubElement(res, f"{{{CP_NS}}}metadata"), f"{{{ASSESSOR_NS}}}item").text = meta
                etree.SubElement(res, f"{{{CP_NS}}}file", href=href)
        package.writestr("imsmanifest.xml", to_xml_bytes(manifest))
    return buffer.getvalue()


# ---------------------------------------------------------------- reading


def _check_member(info: zipfile.ZipInfo, file: str) -> None:
    name = info.filename
    parts = PurePosixPath(name).parts
    if name.startswith("/") or "\\" in name or ".." in parts or (len(name) > 1 and name[1] == ":"):
        raise ExchangeError(file, 0, f"refused: the package member '{name}' points outside the package")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ExchangeError(file, 0, f"refused: the package member '{name}' is a symbolic link")


def open_package(data: bytes, file: str) -> dict[str, bytes]:
    """Every member of a QTI zip by name, after the size, count and path checks."""
    if len(data) > MAX_ZIP_BYTES:
        raise ExchangeError(file, 0, f"the package is {len(data)} bytes; the limit is {MAX_ZIP_BYTES} bytes")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ExchangeError(file, 0, f"not a zip package: {error}") from error
    infos = package.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ExchangeError(file, 0, f"the package has {len(infos)} members; the limit is {MAX_ZIP_MEMBERS}")
    for info in infos:
        _check_member(info, file)
    if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
        raise ExchangeError(file, 0, f"the package unpacks to more than {MAX_ZIP_BYTES} bytes")
    members: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        with package.open(info) as handle:
            content = handle.read(MAX_XML_BYTES + 1)
        if len(content) > MAX_XML_BYTES:
            raise ExchangeError(f"{file}:{info.filename}", 0, f"member is over {MAX_XML_BYTES} bytes")
        members[info.filename] = content
    return members


def _text(el: etree._Element | None) -> str:
    return "".join(str(t) for t in el.itertext()).strip() if el is not None else ""


def read_variant(root: etree._Element, where: str) -> dict[str, Any]:
    """The language-specific texts and the structure of one qti-assessment-item."""
    if root.tag != _q("qti-assessment-item"):
        raise ExchangeError(where, line_of(root), f"not a QTI 3.0 item: root element {root.tag}")
    lang = root.get(XML_LANG) or ""
    if lang not in ("zh", "en"):
        raise ExchangeError(where, line_of(root), f"xml:lang is '{lang}'; Assessor reads zh and en variants")
    body = root.find(_q("qti-item-body"))
    inter = None
    if body is not None:
        for tag in ("qti-choice-interaction", "qti-order-interaction", "qti-extended-text-interaction"):
            inter = body.find(_q(tag))
            if inter is not None:
                break
    if inter is None:
        raise ExchangeError(where, line_of(root), "no supported interaction (choice, order, extended text)")
    tag = etree.QName(inter).localname
    if tag == "qti-choice-interaction":
        if TRUE_FALSE_CLASS in (inter.get("class") or "").split():
            kind = "true_false"
        else:
            kind = "single_choice" if inter.get("max-choices", "1") == "1" else "multiple_choice"
    else:
        kind = "ordering" if tag == "qti-order-interaction" else "open_scenario"
    feedback = root.find(_q("qti-modal-feedback"))
    out: dict[str, Any] = {"id": root.get("identifier", ""), "lang": lang, "type": kind,
                           "stem": _text(inter.find(_q("qti-prompt"))), "explanation": _text(feedback),
                           "line": line_of(root)}
    out["options"] = [(c.get("identifier", ""), _text(c)) for c in inter.findall(_q("qti-simple-choice"))]
    out["key"] = [_text(v) for v in root.iterfind(f"{_q('qti-response-declaration')}/{_q('qti-correct-response')}/{_q('qti-value')}")]
    points = body.iterfind(f".//{_q('qti-rubric-block')}//{_q('li')}") if body is not None else iter(())
    out["rubric"] = [_text(li) for li in points]
    return out


def _pair(variants: dict[str, dict[str, Any]], extras: dict[str, Any], where: str) -> dict[str, Any]:
    missing = [lang for lang in ("zh", "en") if lang not in variants]
    zh, en = variants.get("zh"), variants.get("en")
    if missing or zh is None or en is None:
        raise ExchangeError(where, 0, f"item lacks its {' and '.join(missing)} variant")
    if zh["type"] != en["type"] or [o[0] for o in zh["options"]] != [o[0] for o in en["options"]] \
            or zh["key"] != en["key"] or len(zh["rubric"]) != len(en["rubric"]):
        raise ExchangeError(where, zh["line"], "the zh and en variants differ in type, options, key or rubric")
    native: dict[str, Any] = {"id": zh["id"], "type": zh["type"], "stem": {"zh": zh["stem"], "en": en["stem"]},
                              "explanation": {"zh": zh["explanation"], "en": en["explanation"]}}
    if zh["type"] == "open_scenario":
        texts = [{"zh": a, "en": b} for a, b in zip(zh["rubric"], en["rubric"], strict=True)]
        native["answer"] = rubric_with_extras(texts, extras)
    else:
        native["options"] = [{"id": i, "zh": a, "en": b[1]} for (i, a), b in zip(zh["options"], en["options"], strict=True)]
        native["answer"] = zh["key"]
    return merge(native, extras)


def read_qti(data: bytes, file: str) -> list[RawItem]:
    """Every item of a QTI 3.0 package, both language variants paired, as Assessor item dicts."""
    members = open_package(data, file)
    if "imsmanifest.xml" not in members:
        raise ExchangeError(file, 0, "the package has no imsmanifest.xml")
    manifest = parse_xml(members["imsmanifest.xml"], f"{file}:imsmanifest.xml")
    grouped: dict[str, dict[str, dict[str, Any]]] = {}
    extras: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for res in manifest.iter(f"{{{CP_NS}}}resource"):
        if not (res.get("type") or "").startswith("imsqti_item_xmlv3p0"):
            continue
        href = res.get("href") or ""
        where = f"{file}:{href}"
        if href not in members:
            raise ExchangeError(f"{file}:imsmanifest.xml", line_of(res), f"resource file '{href}' is not in the package")
        variant = {**read_variant(parse_xml(members[href], where), where), "where": where}
        if variant["id"] not in grouped:
            order.append(variant["id"])
        grouped.setdefault(variant["id"], {})[variant["lang"]] = variant
        meta = res.find(f"{{{CP_NS}}}metadata/{{{ASSESSOR_NS}}}item")
        if meta is not None and variant["id"] not in extras:
            extras[variant["id"]] = loads_extras(meta.text, f"{file}:imsmanifest.xml", line_of(meta))
    out = []
    for i in order:
        first = next(iter(grouped[i].values()))
        out.append(RawItem(_pair(grouped[i], extras.get(i, {}), first["where"]), first["where"], first["line"]))
    return out
