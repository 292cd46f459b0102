"""The trainer's Models page, handlers called directly: what serves each use, and from the transcripts how often
model text was shown versus the authored text, by reason, within the trainer's centre; nothing without a login."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.i18n import bi
from assessor.ui.context import AppContext
from assessor.ui.trainer.models_page import model_usage, reason_category
from tests.helpers import right_response
from tests.ui.conftest import make_context
from tests.ui.test_trainer import PASSWORD, built


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = make_context(tmp_path / "app")
    context.store.add_trainer("teacher", PASSWORD)
    context.store.add_trainer("northie", PASSWORD, centre="north")
    return context


def _finished_session(ctx: AppContext) -> tuple[str, int]:
    turn = ctx.assessment.start("模型页学员", role="housekeeper", level=5, lang="zh", seed=2)
    answered = 0
    while turn.question is not None:
        item = ctx.bank.items[turn.question.item_id]
        turn = ctx.assessment.answer(turn.session_id, item.id, right_response(item, "不要扶，打120"))
        answered += 1
    return turn.session_id, answered


def test_reason_categories() -> None:
    assert reason_category("authored explanation; model feedback not shown: no generator") == "generator off"
    assert reason_category("use switched off") == "generator off"
    assert reason_category("generator unavailable: the model folder x does not exist") == "model unavailable"
    assert reason_category("feedback unavailable: RuntimeError: boom") == "model unavailable"
    assert reason_category("leak: names the answer") == "leak"
    assert reason_category("ungrounded: similarity margin 0.010 < 0.02") == "ungrounded"
    assert reason_category("model does not write zh") == "language not written by the model"
    assert reason_category("") == "—"


def test_usage_counts_model_and_authored_text_by_reason(ctx: AppContext) -> None:
    sid, answered = _finished_session(ctx)
    item_id = ctx.store.responses(sid)[0].item_id
    # two 看不懂 answered by a model that passed the gate, one refused by the gate; one personal feedback shown
    for source, reason in (("model", "passed the gate: ok"), ("model", "passed the gate: ok"),
                           ("bank", "leak: names the answer")):
        ctx.store.add_message(sid, speaker="assessor", text="…", kind="rephrase", source=source, reason=reason,
                              item_id=item_id)
    ctx.store.add_message(sid, speaker="assessor", text="…", kind="feedback_personal", source="model",
                          reason="passed the gate: ok", item_id=item_id)
    usage = model_usage(ctx.store)
    assert (usage["rephrase"].model, usage["rephrase"].authored) == (2, 1)
    assert usage["rephrase"].reasons == {"leak": 1}
    # every answer got the authored explanation; the model's words were missing for all but the one shown
    assert usage["feedback"].model == 1
    assert usage["feedback"].model + usage["feedback"].authored >= answered
    assert usage["summary"].model + usage["summary"].authored == 1
    # another centre's trainer counts nothing of this centre
    assert all(u.model == 0 and u.authored == 0 for u in model_usage(ctx.store, centre="north").values())


def test_models_page_through_the_trainer_tab(ctx: AppContext) -> None:
    _finished_session(ctx)
    page = built(ctx)
    assert page.on_models(None) == {page.notice: bi("login_needed")}
    page.on_login("teacher", PASSWORD)
    out = page.on_models("teacher")
    status = out[page.models_md]
    for use in ("rephrase", "feedback", "summary", "second opinion"):
        assert use in status
    rows = out[page.models_usage]
    assert [r[0].split(" ")[-1] for r in rows] == ["rephrase", "feedback", "summary"]
    feedback = rows[1]
    assert feedback[2] > 0 and "%" in feedback[3] and feedback[4] != "—"
    assert out[page.models_added] == []
    north = page.on_models("northie")
    assert all(r[1] == 0 and r[2] == 0 for r in north[page.models_usage])
