"""Rules that span fields or files: known ids and levels, answer keys, references, blueprints.

Each rule yields Problems with the file and line of the field at fault.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assessor.bank.problems import Problem
from assessor.bank.schema import DOMAIN_IDS, LEVELS, ROLE_IDS, Item
from assessor.bank.yaml_lines import line_of
from assessor.retrieval.text import has_negation, normalise_text

if TYPE_CHECKING:
    from assessor.bank.load import Bank, Located

ID_PREFIX: dict[str, str] = {
    "ethics_law": "eth",
    "cleaning": "cln",
    "laundry_organizing": "lau",
    "cooking_nutrition": "cok",
    "maternal_newborn": "mat",
    "infant_care": "inf",
    "elderly_care": "eld",
    "sick_care_ipc": "sck",
    "safety_first_aid": "saf",
    "communication": "com",
    "management_training": "mgt",
}


def _at(where: Located, *field: str | int) -> tuple[str, int]:
    return where.file, line_of(where.lines, (*where.path, *field))


def _problem(where: Located, field: tuple[str | int, ...], name: str, message: str) -> Problem:
    file, line = _at(where, *field)
    return Problem(file, line, name, message)


def check_item(item: Item, where: Located, bank: Bank) -> Iterator[Problem]:
    """Rules for one item: domain, level, options, answer key, references."""
    if item.domain not in DOMAIN_IDS:
        yield _problem(where, ("domain",), "domain", f"unknown domain '{item.domain}' (known: {', '.join(DOMAIN_IDS)})")
    elif not item.id.startswith(ID_PREFIX[item.domain] + "-"):
        yield _problem(where, ("id",), "id", f"id '{item.id}' should start with '{ID_PREFIX[item.domain]}-' for domain {item.domain}")
    if item.level not in LEVELS:
        yield _problem(where, ("level",), "level", f"unknown level {item.level} (levels are 5, 4, 3, 2, 1)")
    option_ids = item.option_ids
    duplicates = {o for o in option_ids if option_ids.count(o) > 1}
    if duplicates:
        yield _problem(where, ("options",), "options", f"option id(s) used twice: {', '.join(sorted(duplicates))}")
    if item.type == "open_scenario":
        if not item.rubric:
            yield _problem(where, ("answer",), "answer", "an open_scenario answer must be a list of rubric points {zh, en, weight}")
        if item.options:
            yield _problem(where, ("options",), "options", "an open_scenario item has no options")
    else:
        if item.rubric:
            yield _problem(where, ("answer",), "answer", f"a {item.type} answer must be option ids, not rubric points")
        key = item.key
        unknown = [k for k in key if k not in option_ids]
        if unknown:
            yield _problem(where, ("answer",), "answer", f"answer {', '.join(unknown)} is not among the options ({', '.join(option_ids)})")
        if item.type in ("single_choice", "true_false") and len(key) != 1:
            yield _problem(where, ("answer",), "answer", f"a {item.type} item needs exactly one answer, found {len(key)}")
        if item.type == "single_choice" and len(option_ids) < 3:
            yield _problem(where, ("options",), "options", "a single_choice item needs at least 3 options")
        if item.type == "multiple_choice" and (len(key) < 2 or len(option_ids) < 3):
            yield _problem(where, ("answer",), "answer", "a multiple_choice item needs at least 3 options and at least 2 correct ones")
        if item.type == "true_false" and sorted(option_ids) != ["f", "t"]:
            yield _problem(where, ("options",), "options", "a true_false item has exactly the options t and f (or none: they are filled in)")
        if item.type == "ordering" and (sorted(key) != sorted(option_ids) or len(set(key)) != len(key)):
            yield _problem(where, ("answer",), "answer", "an ordering answer must list every option id exactly once (a permutation)")
    yield from check_rubric_v2(item, where)
    yield from check_plain(item, where)
    yield from check_image(item, where, bank.root)
    if item.reviewed_on and item.review_due and item.review_due <= item.reviewed_on:
        yield _problem(where, ("review_due",), "review_due", f"review_due {item.review_due} is not after reviewed_on {item.reviewed_on}")
    for index, ref in enumerate(item.course_refs):
        course_id, slash, unit_id = ref.partition("/")
        course = bank.courses.get(course_id)
        if course is None:
            yield _problem(where, ("course_refs", index), f"course_refs[{index}]", f"course '{course_id}' does not exist in courses.yaml")
        elif slash and unit_id not in {u.id for u in course.units}:
            yield _problem(where, ("course_refs", index), f"course_refs[{index}]", f"course '{course_id}' has no unit '{unit_id}'")


_ZH_NEGATION = re.compile(r"不|没|别|勿|禁止|避免|切忌|无需|莫")
_STARTS_NEGATED = re.compile(r"^(?:不要|不能|别|勿|禁止|切忌|不用|无需|千万别|do not|don't|never|avoid)", re.IGNORECASE)


def check_rubric_v2(item: Item, where: Located) -> Iterator[Problem]:
    """Rubric v2: a `do_not` point carries its negation in both languages, a `do` point does not open with one;
    critical errors only on open_scenario items, each with at least one example per language."""
    for index, point in enumerate(item.rubric):
        field = ("answer", index, "polarity")
        if point.polarity == "do_not" and not (_ZH_NEGATION.search(point.zh) and has_negation(point.en)):
            yield _problem(where, field, f"answer[{index}].polarity",
                           "a do_not point states the prohibition in both languages (不要… / do not …)")
        if point.polarity == "do" and (_STARTS_NEGATED.match(point.zh) or _STARTS_NEGATED.match(point.en)):
            yield _problem(where, field, f"answer[{index}].polarity",
                           "this point opens with a prohibition: set polarity: do_not (one action, one polarity)")
    if item.critical and item.type != "open_scenario":
        yield _problem(where, ("critical",), "critical", "critical errors belong to open_scenario items only")
    for index, error in enumerate(item.critical):
        if not error.examples.zh or not error.examples.en:
            yield _problem(where, ("critical", index), f"critical[{index}].examples",
                           "a critical error needs at least one example in zh and in en")


def check_plain(item: Item, where: Located) -> Iterator[Problem]:
    """The plain rephrasing gives nothing away: it contains neither the key option's text nor a rubric keyword
    that the stem itself does not contain."""
    if item.plain is None:
        return
    key_texts = {o.id: o for o in item.options}
    for lang in ("zh", "en"):
        plain = normalise_text(item.plain.get(lang)).lower()
        stem = normalise_text(item.stem.get(lang)).lower()
        if item.type in ("single_choice", "multiple_choice"):
            for option_id in item.key:
                option = key_texts.get(option_id)
                text = normalise_text(option.get(lang)).lower() if option else ""
                if text and len(text) >= 2 and text in plain:
                    yield _problem(where, ("plain", lang), f"plain.{lang}", f"the plain rephrasing contains the key option {option_id}'s text")
        for point in item.rubric:
            for keyword in point.keywords.get(lang):
                kw = normalise_text(keyword).lower()
                if kw and kw in plain and kw not in stem:
                    yield _problem(where, ("plain", lang), f"plain.{lang}",
                                   f"the plain rephrasing hints at the answer: it contains the rubric keyword '{keyword}'")


_SVG_FORBIDDEN = re.compile(r"<script|\son[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*[\"'](?:https?:|//|data:)|<foreignObject|<!ENTITY", re.IGNORECASE)


def check_image(item: Item, where: Located, root: Path) -> Iterator[Problem]:
    """An item's picture exists under media/, is an SVG, and has no scripts, event handlers or outside references."""
    if item.image is None:
        return
    media = (root / "media").resolve()
    path = (media / item.image.file).resolve()
    if media not in path.parents:
        yield _problem(where, ("image", "file"), "image.file", f"'{item.image.file}' is outside question_bank/media/")
        return
    if not path.is_file():
        yield _problem(where, ("image", "file"), "image.file", f"media/{item.image.file} does not exist")
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if "<svg" not in text[:2000]:
        yield _problem(where, ("image", "file"), "image.file", f"media/{item.image.file} is not an SVG drawing")
    elif _SVG_FORBIDDEN.search(text):
        yield _problem(where, ("image", "file"), "image.file",
                       f"media/{item.image.file} contains a script, an event handler or an outside reference")


def check_same_fact(bank: Bank) -> Iterator[Problem]:
    """A same_fact group links at least two items (a group of one links nothing: a typo?)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for item in bank.items.values():
        if item.same_fact:
            groups[item.same_fact].append(item.id)
    for group, ids in groups.items():
        if len(ids) == 1:
            where = bank.origins[f"item:{ids[0]}"]
            yield _problem(where, ("same_fact",), "same_fact", f"same_fact group '{group}' has no other item (check the spelling)")


def check_glossary(bank: Bank) -> Iterator[Problem]:
    """Glossary terms: no form (term or alias) claimed by two terms, and every term appears in at least one
    active item's stem, options or plain rephrasing (in either language), so the glossary stays the bank's own."""
    texts = {lang: "\n".join(
        t for item in bank.active_items()
        for t in (item.stem.get(lang), *(o.get(lang) for o in item.options), item.plain.get(lang) if item.plain else "")
    ).lower() for lang in ("zh", "en")}
    owner: dict[tuple[str, str], str] = {}
    for term in bank.glossary.values():
        where = bank.origins[f"term:{term.id}"]
        for lang in ("zh", "en"):
            for form in term.forms(lang):
                other = owner.setdefault((lang, form.lower()), term.id)
                if other != term.id:
                    yield _problem(where, ("term", lang), f"term.{lang}", f"'{form}' is already a form of term '{other}'")
        used = any(form.lower() in texts[lang] for lang in ("zh", "en") for form in term.forms(lang))
        if not used:
            yield _problem(where, ("term",), "term", f"'{term.term.zh}' / '{term.term.en}' appears in no active item's stem or options")


def check_role(role_id: str, where: Located, bank: Bank) -> Iterator[Problem]:
    role = bank.roles[role_id]
    if role.id not in ROLE_IDS:
        yield _problem(where, ("id",), "id", f"unknown role '{role.id}' (known: {', '.join(ROLE_IDS)})")
    for level, blueprint in role.levels.items():
        if level not in LEVELS:
            yield _problem(where, ("levels", level), f"levels.{level}", f"unknown level {level} (levels are 5, 4, 3, 2, 1)")
        for domain in blueprint.weights:
            if domain not in DOMAIN_IDS:
                yield _problem(where, ("levels", level, "weights", domain), f"levels.{level}.weights.{domain}", f"unknown domain '{domain}'")
        total = sum(blueprint.weights.values())
        if abs(total - 100) > 1e-6:
            yield _problem(where, ("levels", level, "weights"), f"levels.{level}.weights", f"domain weights sum to {total:g}, not 100")
        if any(w < 0 for w in blueprint.weights.values()):
            yield _problem(where, ("levels", level, "weights"), f"levels.{level}.weights", "a domain weight is negative")
    cuts = [(lv, role.levels[lv].cut_score) for lv in sorted(role.levels, reverse=True)]
    for (low, low_cut), (high, high_cut) in zip(cuts, cuts[1:], strict=False):
        if high_cut <= low_cut:
            yield _problem(where, ("levels", high, "cut_score"), f"levels.{high}.cut_score",
                           f"cut score {high_cut} for level {high} must be above level {low}'s {low_cut}")


def check_cross_references(bank: Bank) -> list[Problem]:
    """Every rule that needs more than one field or file."""
    problems: list[Problem] = []
    for domain_id in bank.domains:
        where = bank.origins[f"domain:{domain_id}"]
        if domain_id not in DOMAIN_IDS:
            problems.append(_problem(where, ("id",), "id", f"unknown domain '{domain_id}' (known: {', '.join(DOMAIN_IDS)})"))
    for course in bank.courses.values():
        where = bank.origins[f"course:{course.id}"]
        if course.level not in LEVELS:
            problems.append(_problem(where, ("level",), "level", f"unknown level {course.level} (levels are 5, 4, 3, 2, 1)"))
        for index, domain in enumerate(course.domains):
            if domain not in DOMAIN_IDS:
                problems.append(_problem(where, ("domains", index), f"domains[{index}]", f"unknown domain '{domain}'"))
        unit_ids = [u.id for u in course.units]
        if len(set(unit_ids)) != len(unit_ids):
            problems.append(_problem(where, ("units",), "units", "two units share an id"))
    for role_id in bank.roles:
        problems.extend(check_role(role_id, bank.origins[f"role:{role_id}"], bank))
    for item in bank.items.values():
        problems.extend(check_item(item, bank.origins[f"item:{item.id}"], bank))
    problems.extend(check_same_fact(bank))
    problems.extend(check_glossary(bank))
    return problems
