"""The conversation over the tiny bank: storage contract, resume, bad input, results, transcript sources."""

from __future__ import annotations

import pytest

from assessor.bank.load import Bank
from assessor.dialogue import Assessment, InputProblem, Models, clean_text, normalise_response
from assessor.lm.fake import FakeGenerator
from assessor.lm.service import LMService
from assessor.retrieval.embedder import get_embedder
from assessor.store import Store
from tests.helpers import right_response


def _assessment(bank: Bank, url: str, generator: object = None) -> Assessment:
    embedder = get_embedder("hashing")
    lm = LMService(generator=generator, embedder=embedder)  # type: ignore[arg-type]
    return Assessment(bank, Store(url), models=Models(bank, embedder_name="hashing", lm=lm))


def _right(bank: Bank, item_id: str) -> object:
    return right_response(bank.items[item_id], "不要扶他起来，马上打120，通知家属")


@pytest.fixture
def db_url(database_url: str) -> str:
    """Every dialogue test runs on SQLite and on PostgreSQL (tests/conftest.py)."""
    return database_url


def test_question_view_never_carries_the_key(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url)
    turn = assessment.start("W1", role="housekeeper", level=5, lang="zh", seed=1)
    q = turn.question
    assert q is not None
    item = tiny_bank.items[q.item_id]
    assert q.stem == item.stem.zh
    assert item.explanation.zh not in q.as_markdown()
    assert "answer" not in vars(q) and "key" not in vars(q)
    assert [o for o, _ in q.options] == item.option_ids


def test_answer_is_stored_before_the_next_question_and_resume_shows_the_same_question(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url)
    turn = assessment.start("W2", role="housekeeper", level=5, lang="zh", seed=2)
    first = turn.question
    assert first is not None
    after = assessment.answer(turn.session_id, first.item_id, _right(tiny_bank, first.item_id))
    assert after.feedback is not None and after.feedback.correct
    responses = assessment.store.responses(turn.session_id)
    assert [r.item_id for r in responses] == [first.item_id]
    assert responses[0].correct and responses[0].item_params["a"] == tiny_bank.items[first.item_id].irt.a
    pending = after.question
    assert pending is not None
    # a "server restart": a new Assessment over the same database
    restarted = _assessment(tiny_bank, db_url)
    resumed = restarted.resume(turn.resume_code.lower())
    assert resumed.question is not None and resumed.question.item_id == pending.item_id
    assert restarted.current(turn.session_id).question.item_id == pending.item_id  # type: ignore[union-attr]


def test_bad_input_changes_nothing(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url)
    turn = assessment.start("W3", role="housekeeper", level=5, lang="en", seed=3)
    q = turn.question
    assert q is not None
    bad_inputs = (None, "", "   ", "a\x00b", "x" * 5000) if q.type == "open_scenario" else (None, "", [], "zz", ["a", "zz"])
    for bad in bad_inputs:
        with pytest.raises(InputProblem):
            assessment.answer(turn.session_id, q.item_id, bad)
    with pytest.raises(InputProblem) as stale:
        assessment.answer(turn.session_id, "cln-9999", "a")
    assert stale.value.key == "stale_question"
    assert assessment.store.responses(turn.session_id) == []
    with pytest.raises(InputProblem) as unknown:
        assessment.resume("NOPE1234")
    assert "NOPE1234" in unknown.value.message("en") and "继续码" in unknown.value.message("zh")
    with pytest.raises(InputProblem):
        assessment.start("", role="housekeeper", level=5)
    with pytest.raises(InputProblem):
        assessment.start("W3", role="pilot", level=5)
    with pytest.raises(InputProblem):
        assessment.start("W3", role="housekeeper", level=1)


def test_clean_text_rules() -> None:
    assert clean_text("  hello ") == "hello"
    for bad, key in (("   ", "empty_answer"), ("x" * 2001, "too_long"), ("ab\x00cd", "binary_text"),
                     (b"\xff\xfe", "binary_text")):
        with pytest.raises(InputProblem) as problem:
            clean_text(bad)
        assert problem.value.key == key
    assert clean_text("<script>alert(1)</script>") == "<script>alert(1)</script>"  # kept as text, escaped on display


def test_normalise_response_per_type(tiny_bank: Bank) -> None:
    assert normalise_response(tiny_bank.items["saf-0001"], "b") == "b"
    assert normalise_response(tiny_bank.items["saf-0004"], ["b", "a", "b"]) == ["a", "b"]
    assert normalise_response(tiny_bank.items["saf-0003"], ["c", "b", "a"]) == ["c", "b", "a"]
    with pytest.raises(InputProblem):
        normalise_response(tiny_bank.items["saf-0003"], ["a", "b"])


def test_whole_session_to_results_with_transcript_sources(tiny_bank: Bank, db_url: str) -> None:
    assessment = _assessment(tiny_bank, db_url)
    turn = assessment.start("W4", role="housekeeper", level=5, lang="zh", seed=4, years=3)
    rephrased = assessment.rephrase(turn.session_id)
    assert turn.question is not None and turn.question.stem in rephrased
    hits = assessment.ask(turn.session_id, "燃气泄漏怎么办")
    assert all(h["ref"] != turn.question.item_id for h in hits)
    steps = 0
    while turn.question is not None:
        turn = assessment.answer(turn.session_id, turn.question.item_id, _right(tiny_bank, turn.question.item_id))
        steps += 1
        assert steps <= 10
    result = turn.result
    assert result is not None
    assert {row.domain for row in result.rows} == {"safety_first_aid", "cleaning"}
    assert result.resume_code == turn.resume_code
    row = assessment.store.get_session(turn.session_id)
    assert row is not None and row.status == "finished" and row.results is not None
    responses = assessment.store.responses(turn.session_id)
    assert len(responses) == steps
    messages = assessment.store.messages(turn.session_id)
    kinds = [m.kind for m in messages]
    assert kinds.count("question") == steps and kinds.count("answer") == steps and "result" in kinds
    assert {m.source for m in messages} <= {"bank", "model", "worker", "system"}
    rephrase = next(m for m in messages if m.kind == "rephrase")
    assert rephrase.source == "bank" and rephrase.reason
    # resume of a finished session gives the result, in either language
    again = assessment.resume(turn.resume_code, lang="en")
    assert again.result is not None and again.result.lang == "en"


def test_model_text_is_shown_only_through_the_gate(tiny_bank: Bank, db_url: str) -> None:
    leak = FakeGenerator(["The answer is b: close the valve and open the windows."] * 20)
    assessment = _assessment(tiny_bank, db_url, generator=leak)
    turn = assessment.start("W5", role="housekeeper", level=5, lang="en", seed=5)
    assert turn.question is not None
    assessment.rephrase(turn.session_id)
    message = [m for m in assessment.store.messages(turn.session_id) if m.kind == "rephrase"][-1]
    assert message.source == "bank"  # a leak (or any failed check) falls back to authored text
    assert "The answer is" not in message.text
    assert message.reason.startswith("leak")


def test_stored_parameters_are_the_ones_the_engine_scored_with(tiny_bank: Bank, db_url: str) -> None:
    from assessor.cat.select import item_params

    differs = [i for i in tiny_bank.items.values()
               if item_params(i)[:3] != (i.irt.a, i.irt.b, i.irt.c) or (item_params(i)[3] is not None
                                                                         and i.irt.steps is None)]
    assert differs, "the tiny bank must hold an item whose raw parameters differ from those used"
    assessment = _assessment(tiny_bank, db_url)
    for seed in range(6):
        turn = assessment.start(f"P{seed}", role="housekeeper", level=5, lang="zh", seed=seed)
        while turn.question is not None:
            turn = assessment.answer(turn.session_id, turn.question.item_id, _right(tiny_bank, turn.question.item_id))
    stored = assessment.store.all_responses()
    assert {r.item_id for r in stored} & {i.id for i in differs}
    for response in stored:
        a, b, c, steps = item_params(tiny_bank.items[response.item_id])
        p = response.item_params
        assert (p["a"], p["b"], p["c"]) == (a, b, c), response.item_id
        assert p["steps"] == (list(steps) if steps is not None else None), response.item_id


class _BrokenLM:
    def rephrase(self, item: object, lang: str) -> object:
        raise RuntimeError("rephrase backend down")

    def feedback(self, item: object, lang: str, correct: bool, answer: object = None) -> object:
        raise RuntimeError("feedback backend down")

    def summary(self, results: object, lang: str, audience: str = "worker") -> object:
        raise RuntimeError("summary backend down")

    def second_opinion(self, item: object, answer: str, lang: str = "en") -> object:
        raise RuntimeError("opinion backend down")


def test_a_failing_model_is_logged_with_its_traceback_and_the_worker_sees_authored_text(
        tiny_bank: Bank, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    assessment = Assessment(tiny_bank, Store(db_url), models=Models(tiny_bank, embedder_name="hashing",
                                                                    lm=_BrokenLM()))  # type: ignore[arg-type]
    caplog.set_level(logging.WARNING, logger="assessor.dialogue")
    turn = assessment.start("W9", role="housekeeper", level=5, lang="zh", seed=4)
    assert turn.question is not None
    shown = assessment.rephrase(turn.session_id)
    assert tiny_bank.items[turn.question.item_id].stem.zh in shown
    while turn.question is not None:
        turn = assessment.answer(turn.session_id, turn.question.item_id, _right(tiny_bank, turn.question.item_id))
        if turn.feedback is not None:
            assert turn.feedback.lines and turn.feedback.personal is None
    assert turn.result is not None and turn.result.summary
    logged = {r.getMessage().split()[0] for r in caplog.records if r.exc_info is not None}
    assert {"rephrase", "model"} <= logged
    errors = [str(r.exc_info[1]) for r in caplog.records if r.exc_info]
    assert any("feedback backend down" in e for e in errors) and any("summary backend down" in e for e in errors)
    reasons = [m.reason for m in assessment.store.messages(turn.session_id) if m.kind == "feedback"]
    assert reasons and all("RuntimeError" in r and "backend down" in r for r in reasons)


def test_i_dont_understand_shows_the_authored_plain_words_and_the_glossary_in_one_language(
        tiny_bank: Bank, db_url: str) -> None:
    """看不懂 shows the item's reviewed plain rephrasing and explains the glossary's words; no English on a
    Chinese screen (and no Chinese on an English one)."""
    assessment = _assessment(tiny_bank, db_url)
    item = tiny_bank.items["saf-0001"]
    zh = assessment._authored_plain(item, "zh")
    assert item.plain is not None and item.plain.zh in zh
    assert "管道上控制燃气开和关的开关" in zh  # the glossary explains 阀门, named in an option
    assert "gas" not in zh.lower()
    en = assessment._authored_plain(item, "en")
    assert item.plain.en in en and "valve" in en.lower() and not any("\u4e00" <= ch <= "\u9fff" for ch in en)


def test_progress_uses_the_engines_expected_length_and_ticked_areas_are_focus(tiny_bank: Bank, db_url: str) -> None:
    """The question's "共约 N 题" is the engine's expected length (posterior and stop rule), never more than the
    cap; areas the worker ticked at intake reach the engine as focus areas (they get more own answers)."""
    from assessor.cat import engine

    assessment = _assessment(tiny_bank, db_url)
    turn = assessment.start("W10", role="housekeeper", level=5, lang="zh", seed=3,
                            placement_domains=["safety_first_aid"])
    assert turn.question is not None
    state = assessment._state(assessment._row(turn.session_id))
    assert turn.question.expected == min(state.config.max_items, 1 + engine.expected_remaining(tiny_bank, state))
    assert turn.question.expected <= state.config.max_items
    assert state.focus == ["safety_first_aid"]


def test_an_area_answered_wrong_twice_is_never_shown_reached_or_very_sure(tiny_bank: Bank, db_url: str) -> None:
    """The 0-of-2 case: a worker who ends early after two wrong answers in an area sees 还没测够 for it (no band,
    no confidence word), the reason in the summary, and no "reached … very sure" anywhere for it."""
    assessment = _assessment(tiny_bank, db_url)
    turn = assessment.start("W11", role="housekeeper", level=5, lang="zh", seed=5)
    wrong_in: dict[str, int] = {}
    while turn.question is not None and sum(wrong_in.values()) < 2:
        item = tiny_bank.items[turn.question.item_id]
        if item.type in ("single_choice", "true_false"):
            wrong = next(o for o in item.option_ids if o not in item.key)
            wrong_in[item.domain] = wrong_in.get(item.domain, 0) + 1
            turn = assessment.answer(turn.session_id, item.id, wrong)
        else:
            turn = assessment.answer(turn.session_id, item.id, _right(tiny_bank, item.id))
    result = assessment.stop(turn.session_id).result if turn.question is not None else turn.result
    assert result is not None
    for row in result.rows:
        if row.n_items < 3:
            assert not row.measured_enough and row.sure_text == "" and "还没测够" in row.band_text
        assert not ("很有把握" in row.sure_text and row.band != "below" and wrong_in.get(row.domain, 0) >= row.n_items > 0)
    assert "各方面都不错" not in result.summary
    assert result.stop_text  # why it ended is said


def test_starting_records_the_workers_consent_to_the_notice_shown_at_intake(tiny_bank: Bank, db_url: str) -> None:
    """The intake shows the data notice above the start button, which accepts it (同意并开始测试): starting
    records when she agreed."""
    from sqlalchemy import select

    from assessor.i18n import t
    from assessor.privacy import consent_markdown
    from assessor.store.tables import Worker

    assert "保存多久" in consent_markdown("zh") and "你" not in consent_markdown("zh")
    assert "How long" in consent_markdown("en") or "how long" in consent_markdown("en").lower()
    assert "同意" in t("start", "zh") and "agree" in t("start", "en").lower()
    assessment = _assessment(tiny_bank, db_url)
    assessment.start("W12", role="housekeeper", level=5, lang="zh", seed=1)
    with assessment.store.db() as db:
        worker = db.scalars(select(Worker).where(Worker.code == "W12")).one()
        assert worker.consent_at is not None
