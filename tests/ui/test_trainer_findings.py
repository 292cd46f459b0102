"""Issue 12 on the trainer's side: areas not measured enough (no band, no sure word), the unreliable-results flag
with its reason on the sessions list and the open session, answers waiting for review, and DIF flags in the
item statistics."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assessor.i18n import bi, bi_short
from assessor.report import item_statistics
from assessor.ui.context import AppContext
from assessor.ui.trainer.tables import stats_frame
from tests.helpers import right_response
from tests.test_dialogue_review import FakeGrader
from tests.ui.conftest import fast_models, make_context
from tests.ui.test_trainer import NO_FILTER, PASSWORD, built


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    models = fast_models(make_context(tmp_path / "probe").bank)
    models._grader = FakeGrader(unsure=True)
    context = make_context(tmp_path / "app", models=models)
    context.store.add_trainer("teacher", PASSWORD)
    return context


def _short_session(ctx: AppContext, worker: str, answers: int) -> str:
    """A session the worker ends after `answers` right answers."""
    turn = ctx.assessment.start(worker, role="housekeeper", level=5, lang="zh", seed=3)
    for _ in range(answers):
        assert turn.question is not None
        item = ctx.bank.items[turn.question.item_id]
        turn = ctx.assessment.answer(turn.session_id, item.id, right_response(item, "打120"))
    ctx.assessment.stop(turn.session_id)
    return turn.session_id


def _set_aberrance(ctx: AppContext, session_id: str, reasons: list[str]) -> None:
    """The engine's flag as stored (answers in a test are instant, so the engine itself says "fast")."""
    row = ctx.store.get_session(session_id)
    assert row is not None and row.results is not None
    results = dict(row.results)
    results["results"] = {**results["results"], "aberrance": {"flagged": bool(reasons), "reasons": reasons}}
    ctx.store.update_results(session_id, results=results, level_reached=row.level_reached, ready=row.ready,
                             state=row.state)


def test_an_area_answered_too_little_shows_no_band_and_no_word(ctx: AppContext) -> None:
    sid = _short_session(ctx, "短测", 2)
    _set_aberrance(ctx, sid, [])
    page = built(ctx)
    page.on_login("teacher", PASSWORD)
    header = page.on_open("teacher", sid)[page.header]
    assert bi("tr_areas") in header and bi_short("tr_not_measured") in header
    rows = [line for line in header.splitlines() if bi_short("tr_not_measured") in line]
    assert rows and all("| — |" in line for line in rows)  # no confidence word where not measured enough
    assert not any(bi_short(f"tr_label_{w}") in line for line in rows for w in ("very_sure", "fairly_sure", "not_sure"))
    assert bi("tr_unreliable") not in header


def test_unreliable_results_are_flagged_with_the_reason(ctx: AppContext) -> None:
    flagged, plain_one = _short_session(ctx, "快答", 3), _short_session(ctx, "正常", 3)
    _set_aberrance(ctx, flagged, ["fast", "chance"])
    _set_aberrance(ctx, plain_one, [])
    page = built(ctx)
    page.on_login("teacher", PASSWORD)
    table = page.on_sessions("teacher", *NO_FILTER)[page.sessions_table]
    notes = dict(zip(table["结果码 code"], table["提示 notes"], strict=True))
    codes = {s: ctx.store.get_session(s).resume_code for s in (flagged, plain_one)}  # type: ignore[union-attr]
    assert "结果可能不可靠" in notes[codes[flagged]] and "unreliable" in notes[codes[flagged]]
    assert "不可靠" not in notes[codes[plain_one]]
    header = page.on_open("teacher", flagged)[page.header]
    assert bi("tr_unreliable") in header and bi("tr_aberrant_fast") in header and bi("tr_aberrant_chance") in header


def test_sessions_with_answers_waiting_for_review_say_so(ctx: AppContext) -> None:
    turn = ctx.assessment.start("待复核", role="housekeeper", level=5, lang="zh", seed=7)
    while turn.question is not None:
        item = ctx.bank.items[turn.question.item_id]
        turn = ctx.assessment.answer(turn.session_id, item.id, right_response(item, "不要扶，打120"))
    page = built(ctx)
    page.on_login("teacher", PASSWORD)
    table = page.on_sessions("teacher", *NO_FILTER)[page.sessions_table]
    [note] = list(table["提示 notes"])
    assert note.endswith(bi("tr_waiting_review", n=1))
    items = page.on_open("teacher", turn.session_id)[page.items_table]
    assert "待复核 to review" in list(items["备注 note"])


def _answer(item: str, lang: str, correct: bool, theta: float, sid: str) -> Any:
    return SimpleNamespace(item_id=item, session_id=sid, pilot=False, score=float(correct), correct=correct,
                           domain="d", level=5, item_type="single_choice", seconds=10.0, theta={"d": theta},
                           item_params={"a": 1.0, "b": 0.0, "c": 0.0})


def test_item_statistics_flag_an_item_that_favours_one_language() -> None:
    answers, languages = [], {}
    for i in range(80):
        lang = "zh" if i % 2 == 0 else "en"
        sid = f"s{i}"
        languages[sid] = lang
        theta = -1.0 + (i % 8) * 0.25
        answers.append(_answer("biased", lang, lang == "zh" or i % 8 == 7, theta, sid))
        answers.append(_answer("fair", lang, i % 4 < 2, theta, sid))
    stats = {s["item_id"]: s for s in item_statistics(answers, languages=languages, min_n=5)}
    assert "dif" in stats["biased"]["flags"] and stats["biased"]["dif"].startswith("C")
    assert "dif" not in stats["fair"]["flags"]
    assert "dif" not in {f for s in item_statistics(answers, min_n=5) for f in s["flags"]}  # no languages, no test
    frame = stats_frame(list(stats.values()))
    row = frame[frame["题号 item"] == "biased"].iloc[0]
    assert row["DIF zh/en"].startswith("C") and "DIF" in row["标记 flags"]
