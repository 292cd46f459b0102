"""Rules that span fields or files: known ids and levels, answer keys, references, blueprints.

Each rule yields Problems with the file and line of the field at fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from assessor.bank.problems import Problem
from assessor.bank.schema import DOMAIN_IDS, LEVELS, ROLE_IDS, Item
from assessor.bank.yaml_lines import line_of

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
    for index, ref in enumerate(item.course_refs):
        course_id, slash, unit_id = ref.partition("/")
        course = bank.courses.get(course_id)
        if course is None:
            yield _problem(where, ("course_refs", index), f"course_refs[{index}]", f"course '{course_id}' does not exist in courses.yaml")
        elif slash and unit_id not in {u.id for u in course.units}:
            yield _problem(where, ("course_refs", index), f"course_refs[{index}]", f"course '{course_id}' has no unit '{unit_id}'")


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
    return problems
