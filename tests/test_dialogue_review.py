"""Abstention and the review round trip: a free-text answer the scorer is unsure of is stored as needs_review,
not counted by the engine, shown as provisional per point; a trainer's decision counts it into the session."""

from __future__ import annotations

from typing import Any

import pytest

from assessor.bank.load import Bank
from assessor.bank.schema import Item
from assessor.dialogue import Assessment, Models
from assessor.grading.export import export_reviews
from assessor.grading.scorer import CriticalHit, GradeResult, PointResult
from assessor.reviewing import point_feedback, review_score
from assessor.store import Store
from tests.helpers import right_response


class FakeGrader:
    """Says every point but the last was matched; unsure (needs review) when `unsure`; a danger when `danger`."""

    def __init__(self, *, unsure: bool, danger: bool = False) -> None:
        self.unsure, self.danger = unsure, danger

    def grade(self, item: Item, answer: object, expected_lang: str | None = None) -> GradeResult:
        n = len(item.rubric)
        points = [PointResult(i, p.zh, p.en, p.weight, p.polarity, i < n - 1, 0.6, f"clause {i}", None, 0.1)
                  for i, p in enumerate(item.rubric)]
        hits = [CriticalHit(0, "马上把他扶起来", "lifting him at once", "扶起来", 0.9)] if self.danger else []
        score = 0.0 if hits else sum(p.weight for p in points if p.matched) / sum(p.weight for p in points)
        return GradeResult(item.id, score, points, "zh", critical=hits, needs_review=self.unsure,
                           review_reasons=["uncertain_point"] if self.unsure else [])


def _assessment(bank: Bank, url: str, grader: FakeGrader) -> Assessment:
    return Assessment(bank, Store(url), models=Models(bank, embedder_name="hashing", grader=grader))


def _until_open(assessment: Assessment, worker: str, seed: int = 7) -> tuple[str, Any]:
    """Answer rightly until the pending question is an open scenario; returns (session id, turn)."""
    turn = assessment.start(worker, role="housekeeper", level=5, lang="zh", seed=seed)
    while turn.question is not None and turn.question.type != "open_scenario":
        item = assessment.bank.items[turn.question.item_id]
        turn = assessment.answer(turn.session_id, item.id, right_response(item, ""))
    if turn.question is None:
        pytest.skip("this seed asks no open item")
    return turn.session_id, turn


@pytest.fixture
def db_url(database_url: str) -> str:
    return database_url


def test_an_unsure_answer_is_held_and_shown_as_provisional(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url, FakeGrader(unsure=True))
    sid, turn = _until_open(assessment, "R1")
    before = assessment._state(assessment._row(sid))
    item_id = turn.question.item_id
    after = assessment.answer(sid, item_id, "不要扶他，打120")
    feedback = after.feedback
    assert feedback is not None and feedback.provisional
    assert "待老师复核" in feedback.provisional_text and feedback.provisional_text in feedback.lines
    assert [p.mark for p in feedback.points][-1] == "missing" and feedback.points[0].mark == "said"
    assert feedback.points[0].text.startswith("✔") and feedback.points[-1].text.startswith("✗")
    stored = [r for r in assessment.store.responses(sid) if r.item_id == item_id]
    assert len(stored) == 1 and stored[0].review_status == "needs_review" and stored[0].counted is False
    state = assessment._state(assessment._row(sid))
    assert item_id not in [r.item_id for r in state.scored]  # the engine does not count it
    assert state.theta == before.theta and state.se == before.se and len(state.scored) == len(before.scored)
    assert state.n_items == before.n_items + 1 and state.pending_item_id != item_id  # and never asks it again
    assert assessment.pending_reviews(sid) == 1


def test_a_sure_answer_counts_at_once(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url, FakeGrader(unsure=False))
    sid, turn = _until_open(assessment, "R2")
    item_id = turn.question.item_id
    after = assessment.answer(sid, item_id, "不要扶他，打120")
    assert after.feedback is not None and not after.feedback.provisional and not after.feedback.provisional_text
    stored = [r for r in assessment.store.responses(sid) if r.item_id == item_id][0]
    assert stored.review_status == "auto" and stored.counted
    assert item_id in [r.item_id for r in assessment._state(assessment._row(sid)).scored]


def test_danger_is_shown_in_plain_words_in_both_languages(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url, FakeGrader(unsure=False, danger=True))
    sid, turn = _until_open(assessment, "R3")
    zh = assessment.answer(sid, turn.question.item_id, "马上扶起来").feedback
    assert zh is not None and "⚠ 这样做有危险：马上把他扶起来" in zh.lines and zh.score == 0.0
    assert zh.points[-1].mark == "dangerous" and zh.points[-1].point == "马上把他扶起来"
    en = point_feedback({"points": [], "critical": [{"zh": "马上扶", "en": "lifting him at once"}]}, "en")
    assert [p.text for p in en] == ["⚠ This is dangerous: lifting him at once"]


def test_a_review_counts_the_answer_and_updates_the_finished_result(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url, FakeGrader(unsure=True))
    sid, turn = _until_open(assessment, "R4")
    item = tiny_bank.items[turn.question.item_id]
    turn = assessment.answer(sid, item.id, "不要扶他，打120")
    stopped = assessment.stop(sid).result
    assert stopped is not None and stopped.pending_reviews == 1
    assert "还有 1 道题在等老师复核" in stopped.pending_text and stopped.pending_text in stopped.as_markdown()
    finished = assessment._state(assessment._row(sid))
    ended = assessment._row(sid).ended_at
    response = next(r for r in assessment.store.responses(sid) if r.item_id == item.id)
    said = [True] * len(item.rubric)
    score = assessment.apply_review(sid, response.id, trainer="teacher", said=said)
    assert score == pytest.approx(1.0)
    row = assessment._row(sid)
    state = assessment._state(row)
    counted = [r for r in state.scored if r.item_id == item.id]
    assert len(counted) == 1 and counted[0].score == pytest.approx(1.0)
    assert len(state.scored) == len(finished.scored) + 1 and state.n_items == finished.n_items and state.theta[item.domain] > finished.theta[item.domain]
    assert row.results["results"] == assessment._row(sid).results["results"] and row.ended_at == ended
    assert row.results["results"]["domains"] != {} and row.status == "finished"
    assert assessment.result(sid).pending_reviews == 0 and assessment.result(sid, "en").pending_text == ""
    reviewed = next(r for r in assessment.store.responses(sid) if r.id == response.id)
    assert reviewed.review_status == "reviewed" and reviewed.counted and reviewed.score == pytest.approx(1.0)
    decision = assessment.store.reviews(response.id)[-1]
    assert decision.trainer == "teacher" and decision.decided_at is not None
    rows, _skipped = export_reviews(assessment.store, tiny_bank)
    assert [r["id"] for r in rows] == [f"review-{response.id}"] and rows[0]["said"] == said
    assert any(m.kind == "review" for m in assessment.transcript(sid))
    # a changed decision replaces the first one in the engine (never counted twice)
    assessment.apply_review(sid, response.id, trainer="teacher2", said=[False] * len(item.rubric))
    again = assessment._state(assessment._row(sid))
    assert [r.score for r in again.responses if r.item_id == item.id] == [0.0]


def test_a_review_during_the_quiz_keeps_the_pending_question(shipped_bank: Bank, db_url: str) -> None:
    tiny_bank = shipped_bank  # the tiny bank asks its one open item last
    assessment = _assessment(tiny_bank, db_url, FakeGrader(unsure=True))
    for seed in range(1, 12):
        sid, turn = _until_open(assessment, f"R5-{seed}", seed=seed)
        item = tiny_bank.items[turn.question.item_id]
        after = assessment.answer(sid, item.id, "不要扶他，打120")
        if after.question is not None:
            break
    assert after.question is not None
    response = next(r for r in assessment.store.responses(sid) if r.item_id == item.id)
    assessment.apply_review(sid, response.id, trainer="teacher", said=[False] * len(item.rubric))
    state = assessment._state(assessment._row(sid))
    assert state.pending_item_id == after.question.item_id
    assert item.id in [r.item_id for r in state.scored]
    nxt = assessment.answer(sid, after.question.item_id,
                            right_response(tiny_bank.items[after.question.item_id], "打120"))
    assert nxt.feedback is not None


def test_review_score_follows_weights_and_danger(tiny_bank: Bank) -> None:
    item = next(i for i in tiny_bank.items.values() if i.type == "open_scenario")
    n = len(item.rubric)
    assert review_score(item, [True] * n, []) == pytest.approx(1.0)
    assert review_score(item, [False] * n, []) == 0.0
    if item.critical:
        assert review_score(item, [True] * n, [0]) == 0.0
    with pytest.raises(ValueError):
        review_score(item, [True] * (n + 1), [])
    with pytest.raises(ValueError):
        review_score(item, [True] * n, [len(item.critical)])
