"""Practice rounds: stored under their own practice session only; the assessment, its responses, its result,
exposure, item statistics, calibration rows and the bulk exports never change."""

from __future__ import annotations

import pytest

from assessor.bank.load import Bank
from assessor.dialogue import Assessment, InputProblem, Models
from assessor.practice import Practice, pick_items
from assessor.report.item_stats import item_statistics
from assessor.store import Store
from tests.helpers import right_response


def _finished(bank: Bank, url: str) -> tuple[Assessment, str]:
    assessment = Assessment(bank, Store(url), models=Models(bank, embedder_name="hashing"))
    turn = assessment.start("PR1", role="housekeeper", level=5, lang="zh", seed=3)
    for _ in range(2):
        q = turn.question
        if q is None:
            break
        item = bank.items[q.item_id]
        if item.type == "open_scenario":
            break
        wrong = next((o.id for o in item.options if o.id not in item.key), None)
        turn = assessment.answer(turn.session_id, q.item_id, wrong if item.type != "multiple_choice" else [wrong])
    if turn.result is None:
        turn = assessment.stop(turn.session_id, "zh")
    return assessment, turn.session_id


def _snapshot(assessment: Assessment, sid: str) -> dict[str, object]:
    store = assessment.store
    row = store.get_session(sid)
    assert row is not None
    return {
        "responses": [(r.id, r.item_id, r.score) for r in store.responses(sid)],
        "results": row.results, "state": row.state, "version": row.version, "status": row.status,
        "exposure": store.item_exposure("housekeeper"),
        "all": [r.id for r in store.all_responses()],
        "counted": [r.id for r in store.all_responses(counted_only=True)],
        "stats": item_statistics(store.all_responses(counted_only=True), min_n=1),
        "exported": [s.id for batch in store.iter_sessions() for s, _w in batch],
        "result": assessment.result(sid, "zh").readiness_text,
    }


@pytest.fixture
def db_url(database_url: str) -> str:
    return database_url


def test_practice_round_is_stored_apart_and_changes_nothing_of_the_assessment(tiny_bank: Bank, db_url: str) -> None:
    assessment, sid = _finished(tiny_bank, db_url)
    before = _snapshot(assessment, sid)
    practice = Practice(tiny_bank, assessment.store)
    turn = practice.start(sid, "safety_first_aid", "zh", seed=1)
    assert turn.total == 2 and turn.question is not None and turn.assessment_id == sid
    assert "练习" in turn.question.progress and "不计分" in turn.question.progress
    row = assessment.store.get_session(turn.session_id)
    assert row is not None and row.kind == "practice" and row.engine_settings["practice_of"] == sid
    answered = []
    first = True
    while turn.question is not None:
        item = tiny_bank.items[turn.question.item_id]
        response = right_response(item, "") if first else next(o.id for o in item.options if o.id not in item.key)
        turn = practice.answer(turn.session_id, item.id, response, "zh")
        answered.append(item.id)
        assert turn.feedback is not None and turn.feedback.lines[-1].startswith("讲解：")
        assert turn.feedback.correct is first
        first = False
    assert turn.done and (turn.right, turn.answered, turn.total) == (1, 2, 2)
    assert turn.summary() == "答对 1 题，共 2 题"
    stored = assessment.store.responses(turn.session_id)
    assert [r.item_id for r in stored] == answered
    after = _snapshot(assessment, sid)
    assert after == before  # responses, result, state, exposure, statistics, calibration rows, exports
    assert not {r.id for r in stored} & set(after["all"])  # type: ignore[arg-type]
    assert {r.id for r in stored} <= {r.id for r in assessment.store.all_responses(include_practice=True)}
    # the trainer's table lists the round, as practice
    kinds = {s.id: s.kind for s, _w in assessment.store.list_sessions()}
    assert kinds == {sid: "assessment", turn.session_id: "practice"}


def test_practice_answers_are_checked_and_english_summary(tiny_bank: Bank, db_url: str) -> None:
    assessment, sid = _finished(tiny_bank, db_url)
    practice = Practice(tiny_bank, assessment.store)
    turn = practice.start(sid, "cleaning", "en", seed=2)
    q = turn.question
    assert q is not None and "Practice" in q.progress
    with pytest.raises(InputProblem):
        practice.answer(turn.session_id, "xxx-0000", "a", "en")  # not the pending item
    item = tiny_bank.items[q.item_id]
    turn = practice.answer(turn.session_id, q.item_id, right_response(item, ""), "en")
    with pytest.raises(InputProblem) as stale:
        practice.answer(turn.session_id, q.item_id, right_response(item, ""), "en")  # a double tap
    assert stale.value.key == "stale_question"
    assert len(assessment.store.responses(turn.session_id)) == 1
    while turn.question is not None:
        nxt = tiny_bank.items[turn.question.item_id]
        turn = practice.answer(turn.session_id, nxt.id, right_response(nxt, ""), "en")
    assert turn.summary() == f"{turn.total} of {turn.total} right"
    assert practice.current(turn.session_id, "en").done


def test_practice_needs_a_finished_assessment_and_items(tiny_bank: Bank, db_url: str) -> None:
    assessment = Assessment(tiny_bank, Store(db_url), models=Models(tiny_bank, embedder_name="hashing"))
    running = assessment.start("PR2", role="housekeeper", level=5, lang="zh", seed=1)
    practice = Practice(tiny_bank, assessment.store)
    with pytest.raises(InputProblem) as problem:
        practice.start(running.session_id, "cleaning", "zh")
    assert problem.value.key == "session_not_finished"
    done = assessment.stop(running.session_id, "zh")
    with pytest.raises(InputProblem) as none:
        practice.start(done.session_id, "no_such_domain", "zh")
    assert none.value.key == "practice_none"
    round_ = practice.start(done.session_id, "cleaning", "zh")
    with pytest.raises(InputProblem):
        practice.start(round_.session_id, "cleaning", "zh")  # no practice of a practice round


def test_pick_items_prefers_the_level_and_unseen_items(tiny_bank: Bank) -> None:
    picked = pick_items(tiny_bank, "safety_first_aid", 5, avoid=set(), n=5, seed=0)
    assert picked and all(tiny_bank.items[i].type in ("single_choice", "true_false", "multiple_choice") for i in picked)
    assert all(tiny_bank.items[i].status == "active" for i in picked)
    gaps = [abs(tiny_bank.items[i].level - 5) for i in picked]
    assert gaps == sorted(gaps)  # nearest the worker's level first
    first = picked[0]
    again = pick_items(tiny_bank, "safety_first_aid", 5, avoid={first}, n=5, seed=0)
    assert again[-1] == first


def test_trainer_sessions_table_marks_practice(tiny_bank: Bank, db_url: str) -> None:
    from assessor.ui.trainer.tables import sessions_frame

    assessment, sid = _finished(tiny_bank, db_url)
    round_ = Practice(tiny_bank, assessment.store).start(sid, "cleaning", "zh", seed=1)
    frame = sessions_frame(assessment.store.list_sessions(), tiny_bank)
    status = dict(zip(frame.iloc[:, 0], frame.iloc[:, 5], strict=True))
    practice_code = assessment.store.get_session(round_.session_id).resume_code  # type: ignore[union-attr]
    assessment_code = assessment.store.get_session(sid).resume_code  # type: ignore[union-attr]
    assert "练习 practice" in status[practice_code]
    assert "练习" not in status[assessment_code]


def test_calibration_and_dif_rows_leave_practice_out(tiny_bank: Bank, db_url: str) -> None:
    from assessor.cli.engine import _dif_from_store, _rows_from_store

    assessment, sid = _finished(tiny_bank, db_url)  # db_url is also ASSESSOR_DATABASE_URL: the CLI reads it
    practice = Practice(tiny_bank, assessment.store)
    turn = practice.start(sid, "cleaning", "zh", seed=1)
    while turn.question is not None:
        turn = practice.answer(turn.session_id, turn.question.item_id,
                               tiny_bank.items[turn.question.item_id].key[0], "zh")
    rows = _rows_from_store()
    assert rows is not None and rows and all(r[0].startswith(f"{sid}:") for r in rows)
    assert len(_dif_from_store()) == len([r for r in assessment.store.responses(sid) if not r.pilot])


def test_trainer_exports_leave_practice_out(tiny_bank: Bank, db_url: str, tmp_path: object) -> None:
    from pathlib import Path

    from assessor.report.files import FileFolder
    from assessor.store import SessionFilter
    from assessor.ui.trainer.exports import TrainerExports

    assessment, sid = _finished(tiny_bank, db_url)
    practice = Practice(tiny_bank, assessment.store)
    turn = practice.start(sid, "cleaning", "zh", seed=1)
    while turn.question is not None:
        turn = practice.answer(turn.session_id, turn.question.item_id,
                               tiny_bank.items[turn.question.item_id].key[0], "zh")
    exports = TrainerExports(assessment.store, tiny_bank, FileFolder(Path(str(tmp_path)) / "files"))
    responses = exports.responses(SessionFilter()).read_text(encoding="utf-8-sig")
    sessions = exports.sessions(SessionFilter()).read_text(encoding="utf-8-sig")
    xapi = exports.xapi(SessionFilter()).read_text(encoding="utf-8")
    assert sid in responses and turn.session_id not in responses
    assert sid in sessions and turn.session_id not in sessions
    assert turn.session_id not in xapi
