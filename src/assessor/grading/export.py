"""Trainers' review decisions as corpus rows (question_bank/grading/reviews.jsonl), read through the Store.

A decision in the store (`GradingReview`) lists per point `{"point": index, "said": bool}` and the critical errors
found (indices, as ints or strings). The exported row has the corpus label shape, with the answer text:
`{"id": "review-<response id>", "item", "item_version", "lang", "kind": "review", "text", "said": [bool, …],
"critical": [int, …], "band", "trainer", "decided_at"}`. Only the latest decision on an answer is exported;
decisions whose points do not cover the item's current rubric are skipped (the rubric changed since).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from assessor.bank.load import Bank
from assessor.grading.scorer import score_band
from assessor.retrieval.text import detect_lang


class ReviewSource(Protocol):
    """The Store methods the exporter uses."""

    def all_responses(self, *, session_ids: Iterable[str] | None = None, counted_only: bool = False) -> list[Any]: ...
    def reviews(self, response_id: int) -> list[Any]: ...


def _index(value: object) -> int:
    if isinstance(value, Mapping):
        value = value.get("index", value.get("point"))
    return int(str(value))


def review_row(bank: Bank, response: Any, review: Any) -> dict[str, Any] | None:
    """One corpus row from a response and its latest review (None when it no longer fits the rubric)."""
    item = bank.items.get(response.item_id)
    if item is None or item.type != "open_scenario" or not isinstance(response.answer, str):
        return None
    said: dict[int, bool] = {}
    for point in review.points or []:
        try:
            said[_index(point["point"])] = bool(point["said"])
        except (KeyError, TypeError, ValueError):
            return None
    if sorted(said) != list(range(len(item.rubric))):
        return None
    critical: list[int] = []
    for c in review.critical or []:
        try:
            critical.append(_index(c))
        except (TypeError, ValueError):
            return None
    return {
        "id": f"review-{response.id}", "item": item.id, "item_version": response.item_version,
        "lang": detect_lang(response.answer) or "", "kind": "review", "text": response.answer,
        "said": [said[i] for i in range(len(item.rubric))], "critical": sorted(set(critical)),
        "band": score_band(float(review.score)), "trainer": review.trainer,
        "decided_at": review.decided_at.isoformat() if review.decided_at else None,
    }


def export_reviews(store: ReviewSource, bank: Bank) -> tuple[list[dict[str, Any]], int]:
    """(rows, skipped) for every reviewed free-text answer."""
    rows: list[dict[str, Any]] = []
    skipped = 0
    for response in store.all_responses():
        if getattr(response, "review_status", "auto") != "reviewed":
            continue
        decisions = store.reviews(response.id)
        row = review_row(bank, response, decisions[-1]) if decisions else None
        if row is None:
            skipped += 1
        else:
            rows.append(row)
    return rows, skipped


def write_rows(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write rows as JSON lines (replacing the file: the store holds every decision)."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
