"""The review queue's pieces as data: the queue as dropdown choices, one answer as a card (item, answer, the
machine's per-point suggestion with its evidence clause), and the checkbox choices pre-set to that suggestion.

The trainer's decision is stored and counted by `Assessment.apply_review`; this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessor.bank.load import Bank
from assessor.bank.schema import Item
from assessor.grading.review import REVIEW_REASON_TEXT
from assessor.i18n import bi
from assessor.store import AssessmentSession, Response
from assessor.ui.text import plain
from assessor.ui.trainer.tables import when


@dataclass(frozen=True)
class ReviewCard:
    """What the trainer sees and can tick for one answer waiting for review."""

    markdown: str
    point_choices: list[tuple[str, str]]
    points_said: list[str]
    critical_choices: list[tuple[str, str]]
    critical_found: list[str]


def queue_choices(pending: list[tuple[Response, AssessmentSession]], bank: Bank) -> list[tuple[str, str]]:
    """(label, response id) per waiting answer, oldest first: result code, item id, the answer's start."""
    out = []
    for response, session in pending:
        item = bank.items.get(response.item_id)
        stem = item.stem.zh[:18] if item else response.item_id
        answer = str(response.answer or "").replace("\n", " ")[:24]
        out.append((f"{session.resume_code} · {response.item_id} {stem} · «{answer}» · {when(response.created_at)}",
                    str(response.id)))
    return out


def _both(zh: str, en: str) -> str:
    return f"{plain(zh)} / {plain(en)}"


def review_card(item: Item, response: Response, session: AssessmentSession) -> ReviewCard:
    """The card for one answer: the machine's grading (stored with the response) pre-sets the checkboxes."""
    grading: dict[str, Any] = response.grading or {}
    machine = {int(p.get("index", i)): p for i, p in enumerate(grading.get("points", []))}
    found = {str(c.get("index")) for c in grading.get("critical", []) if isinstance(c, dict)}
    reasons = [REVIEW_REASON_TEXT.get(r, {"zh": r, "en": r}) for r in grading.get("review_reasons", [])]
    lines = [f"**{bi('tr_review_item')}** ({plain(item.id)}, {session.resume_code}): {_both(item.stem.zh, item.stem.en)}",
             "", f"**{bi('tr_review_answer')}:**", "", f"> {plain(str(response.answer or ''))}", "",
             f"**{bi('tr_review_machine')}** ({grading.get('score', 0):.2f}):"]
    for i, point in enumerate(item.rubric):
        got = machine.get(i, {})
        mark = "✔" if got.get("matched") else "✗"
        evidence = str(got.get("evidence") or "")
        clause = f" · {bi('tr_review_evidence')}: «{plain(evidence)}»" if evidence else ""
        sure = f"{bi('tr_review_sure')} {float(got.get('confidence', 0)):.2f}"
        lines.append(f"- {mark} {_both(point.zh, point.en)} ({sure}){clause}")
    for c in grading.get("critical", []):
        lines.append(f"- ⚠ {_both(str(c.get('zh', '')), str(c.get('en', '')))} · {bi('tr_review_evidence')}: "
                     f"«{plain(str(c.get('evidence', '')))}»")
    if reasons:
        lines += ["", f"**{bi('tr_review_reasons')}:** " + "; ".join(_both(r["zh"], r["en"]) for r in reasons)]
    return ReviewCard(
        markdown="\n".join(lines),
        point_choices=[(f"{p.zh} / {p.en}", str(i)) for i, p in enumerate(item.rubric)],
        points_said=[str(i) for i in range(len(item.rubric)) if machine.get(i, {}).get("matched")],
        critical_choices=[(f"{c.zh} / {c.en}", str(i)) for i, c in enumerate(item.critical)],
        critical_found=[str(i) for i in range(len(item.critical)) if str(i) in found],
    )


def decision(item: Item, ticked_points: Any, ticked_critical: Any) -> tuple[list[bool], list[int]]:
    """The ticked checkboxes as (said per point, critical indices); unknown values are ignored."""
    points = {str(v) for v in (ticked_points or [])}
    critical = {str(v) for v in (ticked_critical or [])}
    said = [str(i) in points for i in range(len(item.rubric))]
    return said, [i for i in range(len(item.critical)) if str(i) in critical]
