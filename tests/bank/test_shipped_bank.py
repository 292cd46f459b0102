"""The shipped question bank: valid, no near-duplicates, the counts issue #3 asks for, fully reviewed."""

from __future__ import annotations

from collections import Counter

from assessor.bank.load import Bank, check_bank
from assessor.bank.schema import DOMAIN_IDS, ROLE_IDS, Item
from assessor.bank.similarity import NEAR_DUPLICATE, near_duplicates
from assessor.bank.stats import bank_stats
from tests.conftest import SHIPPED_BANK


def test_shipped_bank_validates() -> None:
    _bank, problems = check_bank(SHIPPED_BANK)
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_no_near_duplicate_items(shipped_bank: Bank) -> None:
    pairs = near_duplicates(shipped_bank.active_items())
    assert pairs == [], f"near-duplicates (similarity ≥ {NEAR_DUPLICATE}): {pairs[:10]}"


def test_the_near_duplicate_check_can_fail(shipped_bank: Bank) -> None:
    original = next(i for i in shipped_bank.active_items() if i.type == "single_choice")
    reworded = original.model_copy(update={"id": original.id[:4] + "9999",
                                           "stem": original.stem.model_copy(update={"zh": original.stem.zh + "？"})})
    assert near_duplicates([original, reworded])


def test_counts_meet_the_bank_issue(shipped_bank: Bank) -> None:
    active = shipped_bank.active_items()
    assert len(active) >= 660
    per_domain = Counter(i.domain for i in active)
    for domain in DOMAIN_IDS:
        assert per_domain[domain] >= (30 if domain == "management_training" else 60), domain
    for domain in DOMAIN_IDS:
        if domain == "management_training":
            continue
        for level in (5, 4, 3):
            n = sum(1 for i in active if i.domain == domain and i.level == level)
            assert n >= 20, f"{domain} level {level}: {n}"
    types = Counter(i.type for i in active)
    assert types["multiple_choice"] / len(active) >= 0.15
    assert types["ordering"] / len(active) >= 0.05
    for domain in DOMAIN_IDS:
        assert sum(1 for i in active if i.domain == domain and i.type == "open_scenario") >= 3, domain
    for domain in ("management_training", "elderly_care"):
        assert {2, 1} <= {i.level for i in active if i.domain == domain}, domain


def _rubric_ok(item: Item) -> bool:
    return item.type != "open_scenario" or 3 <= len(item.rubric) <= 6


def test_items_are_reviewed_linked_and_well_formed(shipped_bank: Bank) -> None:
    active = shipped_bank.active_items()
    stats = bank_stats(shipped_bank)
    assert stats["languages"] == {"zh": 1.0, "en": 1.0}
    assert all(i.reviewed for i in active), [i.id for i in active if not i.reviewed][:20]
    assert all(_rubric_ok(i) for i in active)
    assert all(len(i.options) == 4 for i in active if i.type == "single_choice")
    for item in active:
        unit_tags: set[str] = set()
        for ref in item.course_refs:
            course_id, _, unit_id = ref.partition("/")
            course = shipped_bank.courses[course_id]
            unit_tags |= {t for u in course.units if not unit_id or u.id == unit_id for t in u.tags}
        assert set(item.tags) & unit_tags, f"{item.id}: tags {item.tags} share none with its units"


def test_courses_and_blueprints(shipped_bank: Bank) -> None:
    assert len(shipped_bank.courses) >= 24
    for domain in DOMAIN_IDS:
        levels = {c.level for c in shipped_bank.courses.values() if domain in c.domains}
        assert {5, 4, 3} <= levels, domain
    assert set(shipped_bank.roles) == set(ROLE_IDS)
    for role in shipped_bank.roles.values():
        assert {5, 4, 3} <= set(role.levels)


def test_bank_v2_fields_are_complete(shipped_bank: Bank) -> None:
    """Every active item has a plain rephrasing and a source; every open item has critical errors and rubric v2
    points; every area has at least two level-5 open scenarios for beginners."""
    active = shipped_bank.active_items()
    assert [i.id for i in active if i.plain is None] == []
    assert [i.id for i in active if not i.source] == []
    open_items = [i for i in active if i.type == "open_scenario"]
    assert [i.id for i in open_items if not i.critical] == []
    for domain in DOMAIN_IDS:
        level5 = [i for i in open_items if i.domain == domain and i.level == 5]
        assert len(level5) >= 2, domain


def test_shipped_bank_passes_the_cue_lint(shipped_bank: Bank) -> None:
    """No test-wise cue above its threshold (`assessor bank lint`): cue words, option length both ways,
    multiple-choice key counts, and the two guessers."""
    from assessor.bank.lint import lint_bank

    report = lint_bank(shipped_bank)
    assert report.failures == []
