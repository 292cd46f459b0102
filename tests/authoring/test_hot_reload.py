"""The running app takes a trainer's saved or approved item without a restart, and a session in progress keeps
the bank version it started with (its pending question does not change under it)."""

from __future__ import annotations

from pathlib import Path

from assessor.authoring import Authoring
from assessor.bank.form import item_to_form
from tests.helpers import right_response
from tests.ui.conftest import make_context


def test_a_running_session_keeps_its_bank_while_a_new_session_sees_the_approved_item(tiny_bank_dir: Path,
                                                                                    tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app", bank_dir=tiny_bank_dir)
    old_bank = ctx.bank
    authoring = Authoring(ctx.bank, ctx.store, on_change=ctx.use_bank)
    running = ctx.assessment.start("甲", role="housekeeper", level=5, lang="zh", seed=3)
    assert running.question is not None
    pending = running.question.item_id
    old_stem = old_bank.items[pending].stem.zh

    form = item_to_form(old_bank.items[pending])
    form.stem_zh = old_stem + "（新版）"
    edited = authoring.save(form, "alice").item
    authoring.approve(edited.id, "bob")
    assert ctx.bank is not old_bank and ctx.assessment.bank is ctx.bank  # swapped in, no restart
    assert ctx.bank.items[pending].stem.zh == old_stem + "（新版）" and ctx.bank.items[pending].status == "active"

    row = ctx.store.get_session(running.session_id)
    assert row is not None and ctx.assessment.bank_of(row) is old_bank
    again = ctx.assessment.current(running.session_id)
    assert again.question is not None and again.question.stem == old_stem  # the question did not change under her
    turn = again
    while turn.question is not None:  # she finishes on the version she started with
        item = old_bank.items[turn.question.item_id]
        assert turn.question.stem == item.stem.zh
        turn = ctx.assessment.answer(turn.session_id, item.id, right_response(item, "不要扶，打120，告诉家属"))
    answered = ctx.store.responses(running.session_id)
    assert next(r for r in answered if r.item_id == pending).item_version == old_bank.items[pending].version

    fresh = ctx.assessment.start("乙", role="housekeeper", level=5, lang="zh", seed=3)
    new_row = ctx.store.get_session(fresh.session_id)
    assert new_row is not None and new_row.bank_version == ctx.bank.version != old_bank.version
    assert ctx.assessment.bank_of(new_row).items[pending].version == edited.version
    if fresh.question is not None and fresh.question.item_id == pending:
        assert fresh.question.stem == old_stem + "（新版）"


def test_ask_the_bank_and_placement_follow_an_approved_item_without_a_restart(tiny_bank_dir: Path,
                                                                              tmp_path: Path) -> None:
    import time

    ctx = make_context(tmp_path / "app", bank_dir=tiny_bank_dir)
    models = ctx.assessment.models
    old_index, old_placer = models.index(), models.placer()
    authoring = Authoring(ctx.bank, ctx.store, on_change=ctx.use_bank)
    item = next(i for i in ctx.bank.items.values() if i.status == "active")
    form = item_to_form(item)
    form.stem_zh = item.stem.zh + "（蓝莓果酱示例）"
    edited = authoring.save(form, "alice").item
    authoring.approve(edited.id, "bob")
    assert models.bank is ctx.bank
    deadline = time.monotonic() + 60
    # rebuilt in the background: the save and the approval are two bank versions, the index follows the newest
    while models.index().bank_hash != ctx.bank.content_hash and time.monotonic() < deadline:
        time.sleep(0.05)
    index = models.index()
    assert index is not old_index and index.bank_hash == ctx.bank.content_hash
    assert any("蓝莓果酱示例" in e.text for e in index.entries if e.ref == edited.id)
    assert models.placer() is not old_placer


def test_a_bank_change_before_any_index_was_loaded_builds_nothing_ahead(tiny_bank_dir: Path, tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app", bank_dir=tiny_bank_dir)
    assert ctx.assessment.models.use_bank(ctx.bank) is None  # the first use builds it for this bank
    assert ctx.assessment.models.index().bank_hash == ctx.bank.content_hash
