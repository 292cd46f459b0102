"""Moodle XML: write the bank as a quiz file, read one back.

Languages: one Moodle question per item, each text carrying both languages as Moodle multilang spans
(`<span lang="zh" class="multilang">…</span><span lang="en" class="multilang">…</span>`), which Moodle's
"Multi-language content" filter shows in the reader's language. A question without both spans is refused.

Types: multichoice (single: single_choice; several: multiple_choice), truefalse, ordering (Moodle 4.4+ core;
answers in the right order), essay (open_scenario; the rubric points, and the critical errors, as an HTML list
in the grader information). The explanation is the general feedback.

Metadata: domain, level, course refs, IRT a/b/c and the item's tags travel as Moodle tags
(`domain:…`, `level:…`, `course:…`, `irt-a:…`, `irt-b:…`, `irt-c:…`, plain tags), which Moodle keeps on a round
trip through it; everything else an Assessor item has (option ids, rubric weights and polarity, critical errors,
plain rephrasing, provenance …) goes in an `<assessor>` element holding JSON, which Moodle ignores (an item edited
in Moodle comes back with what Moodle keeps: options get ids a, b, c …, rubric points are `do` with weight 1).
"""

from __future__ import annotations

import html
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from assessor.exchange.common import (
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

_TAG_KEYS = ("domain", "level", "course", "irt-a", "irt-b", "irt-c")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def multilang(text: dict[str, str]) -> str:
    """Both languages as Moodle multilang spans (HTML)."""
    return "".join(f'<span lang="{lang}" class="multilang">{html.escape(text[lang], quote=False)}</span>'
                   for lang in ("zh", "en"))


def _text_el(parent: etree._Element, tag: str, body: str, fmt: str | None = "html") -> etree._Element:
    el = etree.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    etree.SubElement(el, "text").text = etree.CDATA(body) if body else ""
    return el


def _sub(parent: etree._Element, tag: str, text: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.text = text
    return el


def _fraction(share: float) -> str:
    return f"{share:.5f}".rstrip("0").rstrip(".")


def _tags(item: dict[str, Any]) -> list[str]:
    irt = item["irt"]
    tags = [f"domain:{item['domain']}", f"level:{item['level']}", f"irt-a:{irt['a']}", f"irt-b:{irt['b']}",
            f"irt-c:{irt.get('c', 0.0)}"]
    tags += [f"course:{ref}" for ref in item["course_refs"]]
    return tags + list(item.get("tags", []))


def question_element(item: dict[str, Any]) -> etree._Element:
    """One Moodle `<question>` for a dumped item."""
    kind = {"single_choice": "multichoice", "multiple_choice": "multichoice", "true_false": "truefalse",
            "ordering": "ordering", "open_scenario": "essay"}[item["type"]]
    q = etree.Element("question", type=kind)
    name = etree.SubElement(q, "name")
    _sub(name, "text", item["id"])
    _text_el(q, "questiontext", multilang(item["stem"]))
    _text_el(q, "generalfeedback", multilang(item["explanation"]))
    _sub(q, "defaultgrade", "1")
    _sub(q, "penalty", "0")
    _sub(q, "hidden", "0")
    _sub(q, "idnumber", item["id"])
    extras = item_extras(item)
    key = item["answer"] if item["type"] != "open_scenario" else []
    if kind == "multichoice":
        _sub(q, "single", "true" if item["type"] == "single_choice" else "false")
        _sub(q, "shuffleanswers", "false")
        _sub(q, "answernumbering", "abc")
        for option in item["options"]:
            right = option["id"] in key
            answer = _text_el(q, "answer", multilang(option))
            answer.set("fraction", _fraction(100 / len(key)) if right else "0")
        extras["option_ids"] = [o["id"] for o in item["options"]]
        extras["key_order"] = list(key)
    elif kind == "truefalse":
        for word, option_id in (("true", "t"), ("false", "f")):
            answer = _text_el(q, "answer", word, fmt="moodle_auto_format")
            answer.set("fraction", "100" if option_id in key else "0")
    elif kind == "ordering":
        _sub(q, "layouttype", "VERTICAL")
        _sub(q, "selecttype", "ALL")
        _sub(q, "selectcount", "0")
        _sub(q, "gradingtype", "ABSOLUTE_POSITION")
        by_id = {o["id"]: o for o in item["options"]}
        for index, option_id in enumerate(key, start=1):
            _text_el(q, "answer", multilang(by_id[option_id])).set("fraction", str(index))
        extras["option_ids"] = list(key)
        extras["display_order"] = [o["id"] for o in item["options"]]
    else:
        _sub(q, "responseformat", "editor")
        _sub(q, "responserequired", "1")
        _sub(q, "responsefieldlines", "10")
        _sub(q, "attachments", "0")
        rubric = "".join(f"<li>{multilang(p)}</li>" for p in item["answer"])
        body = f'<p>Rubric / 评分要点</p><ol class="assessor-rubric">{rubric}</ol>'
        if item.get("critical"):
            crit = "".join(f"<li>{multilang(c)}</li>" for c in item["critical"])
            body += f'<p>Critical errors / 危险做法</p><ul class="assessor-critical">{crit}</ul>'
        _text_el(q, "graderinfo", body)
        _text_el(q, "responsetemplate", "")
    tags = etree.SubElement(q, "tags")
    for tag in _tags(item):
        _sub(etree.SubElement(tags, "tag"), "text", tag)
    for moved in ("domain", "level", "course_refs", "tags"):
        extras.pop(moved, None)
    extras["irt"] = {k: v for k, v in item["irt"].items() if k not in ("a", "b", "c")}
    _sub(q, "assessor", dumps_extras(extras))
    return q


def write_moodle(items: list[dict[str, Any]], category: str = "Assessor") -> bytes:
    """A Moodle XML quiz file: one category per domain, one question per item (dumped with exclude_none)."""
    quiz = etree.Element("quiz")
    domain = None
    for item in sorted(items, key=lambda i: (i["domain"], i["id"])):
        if item["domain"] != domain:
            domain = item["domain"]
            cat = etree.SubElement(quiz, "question", type="category")
            _text_el(cat, "category", f"$course$/top/{category}/{domain}", fmt=None)
        quiz.append(question_element(item))
    return to_xml_bytes(quiz)


# ---------------------------------------------------------------- reading


def read_multilang(body: str, file: str, line: int, what: str) -> dict[str, str]:
    """zh and en from an HTML text with multilang spans; refused unless both are there."""
    if not body.strip():
        raise ExchangeError(file, line, f"{what} is empty")
    try:
        root = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError) as error:
        raise ExchangeError(file, line, f"{what}: unreadable HTML ({error})") from error
    found: dict[str, str] = {}
    for span in root.iter("span"):
        if "multilang" in (span.get("class") or "").split() and span.get("lang") in ("zh", "en"):
            lang = str(span.get("lang"))
            found.setdefault(lang, " ".join(span.text_content().split(" ")).strip())
    missing = [lang for lang in ("zh", "en") if not found.get(lang)]
    if missing:
        raise ExchangeError(file, line, f"{what} lacks the {' and '.join(missing)} text: Assessor items need both "
                            'languages as <span lang="zh" class="multilang"> and <span lang="en" class="multilang">')
    return found


def _text_of(q: etree._Element, tag: str) -> tuple[str, int]:
    el = q.find(f"{tag}/text")
    if el is None:
        return "", line_of(q)
    return el.text or "", line_of(el)


def _apply_tags(q: etree._Element, native: dict[str, Any], file: str) -> None:
    plain: list[str] = []
    irt: dict[str, float] = {}
    courses: list[str] = []
    for el in q.findall("tags/tag/text"):
        tag = (el.text or "").strip()
        prefix, sep, value = tag.partition(":")
        if not sep or prefix not in _TAG_KEYS:
            if tag:
                plain.append(tag)
            continue
        try:
            if prefix == "domain":
                native["domain"] = value
            elif prefix == "level":
                native["level"] = int(value)
            elif prefix == "course":
                courses.append(value)
            else:
                irt[prefix[-1]] = float(value)
        except ValueError as error:
            raise ExchangeError(file, line_of(el), f"tag '{tag}': {value!r} is not a number") from error
    native["tags"] = plain
    if courses:
        native["course_refs"] = courses
    native["irt_tags"] = irt


def _right(answer: etree._Element, file: str, name: str) -> bool:
    """Whether an answer earns credit (fraction above 0)."""
    value = answer.get("fraction", "0") or "0"
    try:
        return float(value) > 0
    except ValueError as error:
        raise ExchangeError(file, line_of(answer), f"question '{name}': fraction {value!r} is not a number") from error


def read_question(q: etree._Element, file: str) -> RawItem:
    """One Assessor item dict from a Moodle `<question>`."""
    line = line_of(q)
    kind = q.get("type", "")
    name = (q.findtext("idnumber") or q.findtext("name/text") or "").strip()
    extras_el = q.find("assessor")
    extras = loads_extras(extras_el.text if extras_el is not None else None, file,
                          line_of(extras_el, line) if extras_el is not None else line)
    stem_html, stem_line = _text_of(q, "questiontext")
    fb_html, fb_line = _text_of(q, "generalfeedback")
    native: dict[str, Any] = {"id": name, "stem": read_multilang(stem_html, file, stem_line, f"question '{name}': the text")}
    native["explanation"] = read_multilang(fb_html, file, fb_line, f"question '{name}': the general feedback")
    answers = q.findall("answer")
    if kind == "multichoice":
        single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
        native["type"] = "single_choice" if single else "multiple_choice"
        ids = extras.get("option_ids") or list(_LETTERS[: len(answers)])
        if len(ids) != len(answers):
            raise ExchangeError(file, line, f"question '{name}': {len(answers)} answers but {len(ids)} option ids")
        options, key = [], []
        for option_id, answer in zip(ids, answers, strict=True):
            body, at = _text_of(answer, ".")
            options.append({"id": option_id, **read_multilang(body, file, at, f"question '{name}': an answer")})
            if _right(answer, file, name):
                key.append(option_id)
        order = extras.get("key_order")
        native["options"] = options
        native["answer"] = order if isinstance(order, list) and sorted(order) == sorted(key) else key
    elif kind == "truefalse":
        native["type"] = "true_false"
        from assessor.bank.load import TRUE_FALSE_OPTIONS

        native["options"] = [dict(o) for o in TRUE_FALSE_OPTIONS]
        right = [(_text_of(a, ".")[0].strip().lower()) for a in answers if _right(a, file, name)]
        if right not in (["true"], ["false"]):
            raise ExchangeError(file, line, f"question '{name}': a true/false question needs exactly one right answer")
        native["answer"] = ["t" if right == ["true"] else "f"]
    elif kind == "ordering":
        native["type"] = "ordering"
        ids = extras.get("option_ids") or list(_LETTERS[: len(answers)])
        if len(ids) != len(answers):
            raise ExchangeError(file, line, f"question '{name}': {len(answers)} answers but {len(ids)} option ids")
        options = []
        for option_id, answer in zip(ids, answers, strict=True):
            body, at = _text_of(answer, ".")
            options.append({"id": option_id, **read_multilang(body, file, at, f"question '{name}': an answer")})
        display = extras.get("display_order")
        if isinstance(display, list) and sorted(display) == sorted(ids):
            options = sorted(options, key=lambda o: display.index(o["id"]))
        native["options"] = options
        native["answer"] = list(ids)
    elif kind == "essay":
        native["type"] = "open_scenario"
        info, at = _text_of(q, "graderinfo")
        native["answer"] = rubric_with_extras(_rubric_texts(info, file, at, name), extras)
    else:
        raise ExchangeError(file, line, f"question '{name}': Moodle type '{kind}' is not supported "
                            "(multichoice, truefalse, ordering and essay are)")
    _apply_tags(q, native, file)
    irt_tags = native.pop("irt_tags")
    item = merge(native, {k: v for k, v in extras.items() if k not in ("option_ids", "key_order", "display_order")})
    if irt_tags or "irt" in item:
        item["irt"] = {**(item.get("irt") or {}), **irt_tags}
    return RawItem(item, file, line)


def _rubric_texts(info: str, file: str, line: int, name: str) -> list[dict[str, str]]:
    if not info.strip():
        raise ExchangeError(file, line, f"question '{name}': an essay needs rubric points in its grader information")
    root = lxml_html.fragment_fromstring(info, create_parent="div")
    lists = [el for el in root.iter("ol", "ul") if "assessor-rubric" in (el.get("class") or "").split()]
    points = lists[0].findall("li") if lists else [li for li in root.iter("li")]
    if not points:
        raise ExchangeError(file, line, f"question '{name}': no rubric points (an HTML list) in the grader information")
    return [read_multilang(etree.tostring(li, encoding="unicode", with_tail=False), file, line,
                           f"question '{name}': rubric point {i}") for i, li in enumerate(points, start=1)]


def read_moodle(data: bytes, file: str) -> list[RawItem]:
    """Every question of a Moodle XML file (categories skipped), as Assessor item dicts."""
    root = parse_xml(data, file)
    if root.tag != "quiz":
        raise ExchangeError(file, line_of(root), f"not a Moodle XML file: the root element is <{root.tag}>, not <quiz>")
    return [read_question(q, file) for q in root.findall("question") if q.get("type") != "category"]
