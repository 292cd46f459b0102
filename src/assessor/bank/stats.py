"""Counts over a loaded bank: what `assessor bank stats` prints."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from assessor.bank.load import Bank
from assessor.bank.schema import DOMAIN_IDS, ITEM_TYPES, LEVELS, Item


def _complete(item: Item, lang: str) -> bool:
    texts = [item.stem.get(lang), item.explanation.get(lang)]
    texts += [o.text(lang) for o in item.options]
    texts += [r.text(lang) for r in item.rubric]
    return all(t.strip() for t in texts)


def bank_stats(bank: Bank, today: date | None = None) -> dict[str, Any]:
    """Counts by domain, level, type and status; review and language shares; courses and roles.

    Shares are over all items (0 when the bank is empty). `by_domain_level_type` nests
    domain → level → type → count for the active items. `v2` counts the bank-v2 fields over active items:
    plain rephrasings, pictures, sources, same_fact groups, open items with critical errors, and reviews whose
    `review_due` date is before `today` (overdue).
    """
    items = list(bank.items.values())
    n = len(items)
    active = [i for i in items if i.status == "active"]
    nested: dict[str, dict[str, dict[str, int]]] = {}
    for item in active:
        per_level = nested.setdefault(item.domain, {}).setdefault(str(item.level), {})
        per_level[item.type] = per_level.get(item.type, 0) + 1
    return {
        "items": n,
        "active_items": len(active),
        "bank_version": bank.version,
        "by_domain": {d: sum(1 for i in items if i.domain == d) for d in DOMAIN_IDS},
        "by_level": {str(lv): sum(1 for i in items if i.level == lv) for lv in LEVELS},
        "by_type": {t: sum(1 for i in items if i.type == t) for t in ITEM_TYPES},
        "by_status": dict(Counter(i.status for i in items)),
        "by_domain_level_type": nested,
        "reviewed_share": round(sum(i.reviewed for i in items) / n, 4) if n else 0.0,
        "languages": {lang: round(sum(_complete(i, lang) for i in items) / n, 4) if n else 0.0 for lang in ("zh", "en")},
        "courses": len(bank.courses),
        "course_units": sum(len(c.units) for c in bank.courses.values()),
        "roles": len(bank.roles),
        "domains": len(bank.domains),
        "v2": _v2_counts(active, today or date.today()),
    }


def _v2_counts(active: list[Item], today: date) -> dict[str, int]:
    open_items = [i for i in active if i.type == "open_scenario"]
    return {
        "active_reviewed": sum(i.reviewed for i in active),
        "with_plain": sum(i.plain is not None for i in active),
        "with_image": sum(i.image is not None for i in active),
        "with_source": sum(bool(i.source) for i in active),
        "in_same_fact_groups": sum(bool(i.same_fact) for i in active),
        "open_items": len(open_items),
        "open_items_with_critical": sum(bool(i.critical) for i in open_items),
        "open_items_level_5": sum(i.level == 5 for i in open_items),
        "reviews_overdue": sum(bool(i.review_due and i.review_due < today) for i in active),
    }
