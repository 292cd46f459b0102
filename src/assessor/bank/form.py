"""A trainer's item form (plain strings, as a browser sends them) ↔ an `Item`, and field-level checks.

The checks are the bank's own: the schema (pydantic) and `rules.check_cross_references` run on the loaded bank
with the edited item in it, exactly as `assessor bank validate` would see it. Each problem is mapped to the form
field at fault and worded in Chinese and English (`FieldError.text(lang)`). Nothing here writes a file.

Line formats (one entry a line, parts separated by `|`):
- options: `a | 中文 | English`
- rubric points (open_scenario): `do | 中文 | English [| weight]` (`do_not` for "do not …")
- critical errors: `中文 | English | 中文例子；例子 | example; example`
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from assessor.bank.load import Bank, Located, _fill_true_false
from assessor.bank.rules import ID_PREFIX, check_cross_references
from assessor.bank.schema import DOMAIN_IDS, ITEM_TYPES, LEVELS, Item, RubricPoint

LIMITS: dict[str, int] = {"stem": 400, "option": 150, "explanation": 800, "plain": 400, "rubric": 200,
                          "critical": 200, "example": 200, "tag": 40, "source": 200, "alt": 200, "lines": 12}
FORM_FILE = "<form>"  # the edited item's "file" while it is checked: problems found there belong to the form
DEFAULT_C = {"single_choice": 0.2, "true_false": 0.3, "multiple_choice": 0.05, "ordering": 0.0, "open_scenario": 0.0}
LEVEL_BASE = {5: -1.0, 4: 0.0, 3: 1.0, 2: 1.8, 1: 2.5}  # question_bank/README: IRT priors


@dataclass(frozen=True)
class FieldError:
    """One problem with one form field, in both languages."""

    field: str
    zh: str
    en: str

    def text(self, lang: str | None) -> str:
        """The message in `lang` ('zh' or 'en'); both ("中文 / English") for any other value."""
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        return f"{self.zh} / {self.en}"


@dataclass
class ItemForm:
    """What the authoring form holds. `item_id` and `token` are empty for a new item; `token` is the edited
    item's `item_token` as it was loaded into the form (the stale-save check)."""

    item_id: str = ""
    token: str = ""
    domain: str = ""
    level: Any = 5
    type: str = "single_choice"
    stem_zh: str = ""
    stem_en: str = ""
    options: str = ""
    key: str = ""
    rubric: str = ""
    critical: str = ""
    explanation_zh: str = ""
    explanation_en: str = ""
    plain_zh: str = ""
    plain_en: str = ""
    image_file: str = ""
    image_alt_zh: str = ""
    image_alt_en: str = ""
    course_refs: list[str] = field(default_factory=list)
    tags: str = ""
    source: str = ""

    FIELDS = ("domain", "level", "type", "stem_zh", "stem_en", "options", "key", "rubric", "critical",
              "explanation_zh", "explanation_en", "plain_zh", "plain_en", "image_file", "image_alt_zh",
              "image_alt_en", "course_refs", "tags", "source")

    def values(self) -> list[Any]:
        """The editable fields' values in `FIELDS` order (the UI's component order)."""
        return [getattr(self, name) for name in self.FIELDS]

    @classmethod
    def from_values(cls, item_id: Any, token: Any, *values: Any) -> ItemForm:
        """A form from the UI's values in `FIELDS` order (None and missing values become empty)."""
        form = cls(item_id=_str(item_id), token=_str(token))
        for name, value in zip(cls.FIELDS, values, strict=False):
            if name == "course_refs":
                refs = value if isinstance(value, list | tuple) else _split(_str(value), ",，")
                form.course_refs = [_str(r) for r in refs if _str(r)]
            elif name == "level":
                form.level = value
            else:
                setattr(form, name, _str(value) if value is not None else "")
        return form


def item_token(item: Item) -> str:
    """The version stamp an edit form carries: the version and a hash of the item's whole content."""
    digest = hashlib.sha256(item.model_dump_json().encode()).hexdigest()[:10]
    return f"v{item.version}-{digest}"


def item_to_form(item: Item) -> ItemForm:
    """The form filled with `item` (true/false options are not shown: they are always 对/错)."""
    options = "" if item.type == "true_false" else "\n".join(f"{o.id} | {o.zh} | {o.en}" for o in item.options)
    rubric = "\n".join(f"{p.polarity} | {p.zh} | {p.en}" + (f" | {p.weight:g}" if p.weight != 1 else "")
                       for p in item.rubric)
    critical = "\n".join(f"{c.zh} | {c.en} | {'；'.join(c.examples.zh)} | {'; '.join(c.examples.en)}"
                         for c in item.critical)
    return ItemForm(
        item_id=item.id, token=item_token(item), domain=item.domain, level=item.level, type=item.type,
        stem_zh=item.stem.zh, stem_en=item.stem.en, options=options, key=", ".join(item.key), rubric=rubric,
        critical=critical, explanation_zh=item.explanation.zh, explanation_en=item.explanation.en,
        plain_zh=item.plain.zh if item.plain else "", plain_en=item.plain.en if item.plain else "",
        image_file=item.image.file if item.image else "", image_alt_zh=item.image.alt.zh if item.image else "",
        image_alt_en=item.image.alt.en if item.image else "", course_refs=list(item.course_refs),
        tags=", ".join(item.tags), source=item.source or "")


def next_item_id(bank: Bank, domain: str, taken: Iterable[str] = ()) -> str:
    """The next free id of `domain` (its prefix and one more than the highest number in use)."""
    prefix = ID_PREFIX[domain]
    numbers = [int(i.split("-")[1]) for i in [*bank.items, *taken] if i.startswith(prefix + "-")]
    return f"{prefix}-{max(numbers, default=0) + 1:04d}"


# ------------------------------------------------------------------ parsing


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\x00", "")).strip()


def _split(text: str, separators: str) -> list[str]:
    return [p.strip() for p in re.split("[" + re.escape(separators) + "]", text) if p.strip()]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _error(name: str, zh: str, en: str) -> FieldError:
    return FieldError(name, zh, en)


def _too_long(name: str, value: str, limit: int) -> FieldError | None:
    if len(value) > limit:
        return _error(name, f"太长了：最多 {limit} 个字，现在 {len(value)} 个。",
                      f"Too long: at most {limit} characters, now {len(value)}.")
    return None


def _text(errors: list[FieldError], name: str, value: str, limit: int) -> str:
    value = _one_line(value)
    problem = _too_long(name, value, limit)
    if problem:
        errors.append(problem)
    return value


def parse_form(form: ItemForm, base: Item | None) -> tuple[dict[str, Any], list[FieldError]]:
    """The raw item mapping the form describes (as a bank file would hold it) and the problems found while
    reading the form itself (malformed lines, over-long texts, unknown choices). Fields the form does not show
    (irt, same_fact, standard_ref, rubric keywords) are kept from `base`."""
    errors: list[FieldError] = []
    domain = _str(form.domain)
    if domain not in DOMAIN_IDS:
        errors.append(_error("domain", "请选择一个领域。", "Choose a domain."))
    try:
        level = int(str(form.level).strip().removeprefix("L"))
    except ValueError:
        level = 0
    if level not in LEVELS:
        errors.append(_error("level", "请选择等级（5 到 1）。", "Choose a level (5 to 1)."))
    kind = _str(form.type)
    if kind not in ITEM_TYPES:
        errors.append(_error("type", "请选择题型。", "Choose a question type."))
    raw: dict[str, Any] = {
        "id": form.item_id or "new",
        "domain": domain, "level": level, "type": kind,
        "stem": {"zh": _text(errors, "stem_zh", form.stem_zh, LIMITS["stem"]),
                 "en": _text(errors, "stem_en", form.stem_en, LIMITS["stem"])},
        "explanation": {"zh": _text(errors, "explanation_zh", form.explanation_zh, LIMITS["explanation"]),
                        "en": _text(errors, "explanation_en", form.explanation_en, LIMITS["explanation"])},
    }
    if kind == "open_scenario":
        raw["answer"] = _rubric(errors, form.rubric, base)
        raw["critical"] = _critical(errors, form.critical)
    else:
        if kind != "true_false":
            raw["options"] = _options(errors, form.options)
        raw["answer"] = _split(form.key, ",，、 ;；")
        if not raw["answer"]:
            errors.append(_error("key", "请写出正确答案的选项编号（如 a 或 a, c）。",
                                 "Write the id(s) of the right option(s), e.g. a or a, c."))
        if _str(form.critical):
            errors.append(_error("critical", "危险做法只用于情景题。", "Dangerous actions belong to scenario items only."))
    plain_zh = _text(errors, "plain_zh", form.plain_zh, LIMITS["plain"])
    plain_en = _text(errors, "plain_en", form.plain_en, LIMITS["plain"])
    if plain_zh or plain_en:
        raw["plain"] = {"zh": plain_zh, "en": plain_en}
    image = _str(form.image_file)
    if image:
        raw["image"] = {"file": image, "alt": {"zh": _text(errors, "image_alt_zh", form.image_alt_zh, LIMITS["alt"]),
                                               "en": _text(errors, "image_alt_en", form.image_alt_en, LIMITS["alt"])}}
    raw["course_refs"] = list(dict.fromkeys(form.course_refs))
    tags = [t.lower().replace(" ", "_") for t in _split(form.tags, ",，、;；")]
    for tag in tags:
        if len(tag) > LIMITS["tag"] or not re.fullmatch(r"[a-z0-9_\-]+", tag):
            errors.append(_error("tags", f"标签“{tag[:40]}”只能用英文小写字母、数字和下划线，最多 {LIMITS['tag']} 个字。",
                                 f"Tag '{tag[:40]}' may hold only lowercase letters, digits and _ "
                                 f"(at most {LIMITS['tag']})."))
    raw["tags"] = list(dict.fromkeys(tags))
    source = _text(errors, "source", form.source, LIMITS["source"])
    if source:
        raw["source"] = source
    if base is not None:
        raw["irt"] = base.irt.model_dump(mode="json", exclude_none=True)
        for name in ("standard_ref", "same_fact"):
            if getattr(base, name):
                raw[name] = getattr(base, name)
    else:
        c = DEFAULT_C.get(kind, 0.0)
        raw["irt"] = {"a": 1.2, "b": LEVEL_BASE.get(level, 0.0), "c": c, "source": "prior"}
    return _fill_true_false(raw), errors


def _parts(line: str) -> list[str]:
    return [_one_line(p) for p in line.split("|")]


def _options(errors: list[FieldError], text: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    lines = _lines(text)
    if len(lines) > LIMITS["lines"]:
        errors.append(_error("options", f"选项太多：最多 {LIMITS['lines']} 行。", f"Too many options: at most {LIMITS['lines']}."))
    for number, line in enumerate(lines[:LIMITS["lines"]], 1):
        parts = _parts(line)
        if len(parts) != 3 or not re.fullmatch(r"[a-z0-9]{1,3}", parts[0]):
            errors.append(_error("options", f"第 {number} 行要写成：编号 | 中文 | English（如 a | 清水 | Plain water）。",
                                 f"Line {number} must read: id | 中文 | English (e.g. a | 清水 | Plain water)."))
            continue
        for part in parts[1:]:
            problem = _too_long("options", part, LIMITS["option"])
            if problem:
                errors.append(problem)
        out.append({"id": parts[0], "zh": parts[1], "en": parts[2]})
    return out


def _rubric(errors: list[FieldError], text: str, base: Item | None) -> list[dict[str, Any]]:
    kept = {(p.zh, p.en): p for p in (base.rubric if base else [])}
    out: list[dict[str, Any]] = []
    for number, line in enumerate(_lines(text)[:LIMITS["lines"]], 1):
        parts = _parts(line)
        polarity = parts[0].lower().replace(" ", "_").replace("-", "_") if parts else ""
        polarity = {"做": "do", "要": "do", "不要": "do_not", "不要做": "do_not", "dont": "do_not"}.get(polarity, polarity)
        if len(parts) not in (3, 4) or polarity not in ("do", "do_not"):
            errors.append(_error("rubric", f"第 {number} 行要写成：do 或 do_not | 中文 | English [| 分量]。",
                                 f"Line {number} must read: do or do_not | 中文 | English [| weight]."))
            continue
        point: dict[str, Any] = {"zh": parts[1], "en": parts[2], "polarity": polarity}
        if len(parts) == 4 and parts[3]:
            try:
                point["weight"] = float(parts[3])
            except ValueError:
                errors.append(_error("rubric", f"第 {number} 行的分量要写数字（如 1 或 0.5）。",
                                     f"Line {number}: the weight must be a number (e.g. 1 or 0.5)."))
        for part in parts[1:3]:
            problem = _too_long("rubric", part, LIMITS["rubric"])
            if problem:
                errors.append(problem)
        old: RubricPoint | None = kept.get((parts[1], parts[2]))
        if old is not None:  # the scorer's hints survive an edit of other fields
            for name in ("keywords", "examples"):
                value = getattr(old, name).model_dump()
                if value["zh"] or value["en"]:
                    point[name] = value
        out.append(point)
    return out


def _critical(errors: list[FieldError], text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for number, line in enumerate(_lines(text)[:LIMITS["lines"]], 1):
        parts = _parts(line)
        if len(parts) != 4:
            errors.append(_error("critical", f"第 {number} 行要写成：中文 | English | 中文例子 | English example。",
                                 f"Line {number} must read: 中文 | English | 中文例子 | English example."))
            continue
        for part in parts:
            problem = _too_long("critical", part, LIMITS["critical"])
            if problem:
                errors.append(problem)
        out.append({"zh": parts[0], "en": parts[1],
                    "examples": {"zh": _split(parts[2], "；;"), "en": _split(parts[3], ";；")}})
    return out


# ------------------------------------------------------------------ the bank's rules, mapped to fields

_FIELD_OF = (("stem.zh", "stem_zh"), ("stem.en", "stem_en"), ("explanation.zh", "explanation_zh"),
             ("explanation.en", "explanation_en"), ("plain.zh", "plain_zh"), ("plain.en", "plain_en"),
             ("plain", "plain_zh"), ("image.alt.zh", "image_alt_zh"), ("image.alt.en", "image_alt_en"),
             ("image", "image_file"), ("options", "options"), ("course_refs", "course_refs"),
             ("critical", "critical"), ("tags", "tags"), ("source", "source"), ("domain", "domain"),
             ("level", "level"), ("type", "type"), ("irt", "level"), ("review_due", "source"), ("id", "domain"))

# English rule messages (rules.py, load.py) → Chinese, by pattern; anything else is shown with a Chinese lead-in.
_ZH_RULES: tuple[tuple[str, str], ...] = (
    (r"text is empty|text is missing", "不能空着，中文和英文都要写。"),
    (r"answer (?P<x>.+) is not among the options \((?P<o>.*)\)", "答案 {x} 不在选项里（选项有：{o}）。"),
    (r"a (single_choice|true_false) item needs exactly one answer, found (?P<n>\d+)", "这种题只能有一个正确答案，现在写了 {n} 个。"),
    (r"a single_choice item needs at least 3 options", "单选题至少要 3 个选项。"),
    (r"a multiple_choice item needs at least 3 options", "多选题至少要 3 个选项、至少 2 个正确答案。"),
    (r"a true_false item has exactly", "判断题的答案只能是 t（对）或 f（错）。"),
    (r"an ordering answer must list every option", "排序题的答案要把每个选项按正确顺序各写一次。"),
    (r"option id\(s\) used twice: (?P<x>.+)", "选项编号重复了：{x}。"),
    (r"an open_scenario answer must be a list of rubric points", "情景题至少要写一条评分要点。"),
    (r"an open_scenario item has no options", "情景题不要写选项。"),
    (r"answer must be option ids, not rubric points", "选择题的答案写选项编号，不写评分要点。"),
    (r"course '(?P<c>[^']+)' does not exist", "课程 {c} 不存在。"),
    (r"course '(?P<c>[^']+)' has no unit '(?P<u>[^']+)'", "课程 {c} 里没有单元 {u}。"),
    (r"a do_not point states the prohibition", "“不要做”的要点，中文和英文都要写出“不要 / do not”。"),
    (r"this point opens with a prohibition", "这一条是“不要……”，请把它标成 do_not。"),
    (r"critical errors belong to open_scenario", "危险做法只用于情景题。"),
    (r"a critical error needs at least one example", "每个危险做法中文、英文至少各写一个例子。"),
    (r"the plain rephrasing contains the key option", "通俗说法里不能出现正确答案。"),
    (r"the plain rephrasing hints at the answer", "通俗说法不能提示答案。"),
    (r"is outside question_bank/media", "图片必须在 question_bank/media/ 里。"),
    (r"does not exist", "找不到这个图片文件。"),
    (r"is not an SVG drawing", "图片必须是 SVG 图。"),
    (r"contains a script", "这个图片里有脚本或外部链接，不能用。"),
    (r"at least 1 item|at least one course unit", "至少选一个课程单元。"),
    (r"the format is not right", "格式不对。"),
    (r"should start with", "不能改已有题目的领域：请写一道新题。"),
    (r"String should match pattern", "格式不对。"),
)


def _zh(message: str) -> str:
    for pattern, zh in _ZH_RULES:
        found = re.search(pattern, message)
        if found:
            return zh.format(**found.groupdict())
    return f"请检查：{message}"


def _form_field(name: str, kind: str) -> str:
    if name.startswith("answer"):
        return "rubric" if kind == "open_scenario" else "key"
    for prefix, target in _FIELD_OF:
        if name.startswith(prefix):
            return target
    return "key" if name == "" else name.split(".")[0].split("[")[0]


_EN_PLAIN: tuple[tuple[str, str], ...] = (  # pydantic's wording → a trainer's
    (r"List should have at least 1 item", "choose at least one course unit"),
    (r"String should match pattern", "the format is not right"),
)


def _mapped(name: str, message: str, kind: str) -> FieldError:
    for pattern, plain in _EN_PLAIN:
        if re.search(pattern, message):
            message = plain if name.startswith("course_refs") or "pattern" in pattern else message
    en = message[0].upper() + message[1:] if message else message
    return FieldError(_form_field(name, kind), _zh(message), en if en.endswith(".") else en + ".")


def _schema_errors(error: ValidationError, kind: str) -> list[FieldError]:
    from assessor.bank.load import _field_name, _friendly

    out: list[FieldError] = []
    for detail in error.errors():
        found = _mapped(_field_name(detail["loc"]), _friendly(detail), kind)
        if found not in out:
            out.append(found)
    return out


def check_form(bank: Bank, form: ItemForm, base: Item | None, item_id: str) -> tuple[Item | None, list[FieldError]]:
    """The item the form describes (with id `item_id`) and every field-level problem: the form's own reading,
    the schema, then the bank's rules (`check_cross_references`) on `bank` with this item in it. An item is
    returned only when there is no problem at all."""
    raw, errors = parse_form(form, base)
    raw["id"] = item_id if re.fullmatch(r"[a-z]{3}-\d{4}", item_id) else "new-0000"  # no domain yet: its own error
    own = list(errors)  # the form's own reading: its domain message stands for the rules' one
    if base is not None:
        raw.update(status=base.status, reviewed=base.reviewed, version=base.version)
    try:
        item = Item.model_validate(raw)
    except ValidationError as error:
        errors += [e for e in _schema_errors(error, str(raw.get("type"))) if e not in errors]
        filled = _filled(raw)
        if not filled.get("course_refs") and bank.courses:
            filled["course_refs"] = [next(iter(bank.courses))]
        try:  # empty texts and units aside, the bank's rules still say what else is wrong: every problem at once
            trial = Item.model_validate(filled)
        except ValidationError:
            return None, errors
        reported = {e.field for e in errors}
        errors += [e for e in rule_errors(bank, trial) if e not in errors and e.field not in reported]
        return None, [e for e in errors if e.field != "domain" or e in own or not any(o.field == "domain" for o in own)]
    errors += rule_errors(bank, item)
    errors = [e for e in errors if e.field != "domain" or e in own or not any(o.field == "domain" for o in own)]
    return (None, errors) if errors else (item, [])


def _filled(value: Any) -> Any:
    """`value` with every empty zh/en text replaced by a placeholder (to run the rules past a missing text)."""
    if isinstance(value, dict):
        out = {k: _filled(v) for k, v in value.items()}
        if "zh" in out and "en" in out:
            out.update({lang: out[lang] or "…" for lang in ("zh", "en") if isinstance(out[lang], str)})
        return out
    if isinstance(value, list):
        return [_filled(v) for v in value]
    return value


def rule_errors(bank: Bank, item: Item) -> list[FieldError]:
    """`check_cross_references` on `bank` with `item` added or replaced: the problems that belong to `item`."""
    items = {**bank.items, item.id: item}
    origins = {**bank.origins, f"item:{item.id}": Located(FORM_FILE, 1, {}, ("items", 0))}
    trial = dataclasses.replace(bank, items=items, origins=origins)
    out: list[FieldError] = []
    for problem in check_cross_references(trial):
        if problem.file == FORM_FILE:
            found = _mapped(problem.field, problem.message, item.type)
            if found not in out:
                out.append(found)
    return out
