"""Certificates and workers' data from the trainer tab, handlers called directly: issue for the open session
(PDF + JSON that verify), revoke, export one worker, delete one only after the confirmation; all in the
trainer's centre and refused without a login."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.credentials.verify import verify_pdf
from assessor.i18n import bi
from assessor.sync import init_centre
from assessor.ui.context import AppContext
from tests.helpers import right_response
from tests.ui.conftest import make_context
from tests.ui.test_trainer import NO_FILTER, PASSWORD, built


def _finish(ctx: AppContext, worker: str) -> str:
    turn = ctx.assessment.start(worker, role="housekeeper", level=5, lang="zh", seed=4)
    while turn.question is not None:
        item = ctx.bank.items[turn.question.item_id]
        turn = ctx.assessment.answer(turn.session_id, item.id, right_response(item, "不要扶，打120"))
    return turn.session_id


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = make_context(tmp_path / "app")
    init_centre(Path(context.settings.data_dir), "default")
    context.store.add_trainer("teacher", PASSWORD)
    context.store.add_trainer("northie", PASSWORD, centre="north")
    return context


def test_issue_for_the_open_session_then_revoke(ctx: AppContext) -> None:
    sid = _finish(ctx, "证书学员")
    page = built(ctx)
    page.on_login("teacher", PASSWORD)
    page.on_sessions("teacher", *NO_FILTER)
    opened = page.on_open("teacher", sid)[page.opened]
    out = page.on_certificate_issue("teacher", opened)
    cert_id = out[page.cert_id]
    assert out[page.notice] == bi("tr_cert_issued", id=cert_id)
    pdf, document = (Path(p) for p in out[page.cert_files])
    assert pdf.suffix == ".pdf" and document.suffix == ".json"
    assert json.loads(document.read_text(encoding="utf-8"))["type"]
    data_dir = Path(ctx.settings.data_dir)
    assert verify_pdf(pdf.read_bytes(), data_dir, ctx.store).status == "valid"
    north = page.on_certificate_revoke("northie", cert_id, "wrong person")  # another centre's trainer
    assert "没有完成：" in north[page.notice]
    done = page.on_certificate_revoke("teacher", cert_id, "issued by mistake")
    assert done == {page.notice: bi("tr_cert_revoked", id=cert_id)}
    assert verify_pdf(pdf.read_bytes(), data_dir, ctx.store).status == "revoked"
    assert page.on_certificate_revoke("teacher", " ", "") == {page.notice: bi("tr_cert_need_id")}


def test_issue_refuses_without_an_open_session_or_another_centre(ctx: AppContext) -> None:
    sid = _finish(ctx, "别的中心")
    page = built(ctx)
    assert page.on_certificate_issue("teacher", None) == {page.notice: bi("tr_no_session")}
    assert page.on_certificate_issue("northie", sid) == {page.notice: bi("tr_session_missing")}
    assert page.on_certificate_issue(None, sid) == {page.notice: bi("login_needed")}


def test_export_then_delete_a_worker_only_after_confirming(ctx: AppContext) -> None:
    sid = _finish(ctx, "删除学员")
    page = built(ctx)
    out = page.on_worker_export("teacher", "删除学员")
    assert out[page.notice] == bi("tr_privacy_exported", n=1)
    data = json.loads(Path(out[page.privacy_file]).read_text(encoding="utf-8"))
    assert data["sessions"] and "删除学员" in json.dumps(data, ensure_ascii=False)
    assert page.on_worker_delete("teacher", "删除学员", False) == {page.notice: bi("tr_privacy_need_confirm")}
    assert ctx.store.get_session(sid) is not None
    refused = page.on_worker_delete("northie", "删除学员", True)  # not a worker of the north centre
    assert "没有完成：" in refused[page.notice] and ctx.store.get_session(sid) is not None
    deleted = page.on_worker_delete("teacher", "删除学员", True)
    assert deleted[page.notice].startswith("已删除：1 次测试") and deleted[page.privacy_confirm] is False
    assert ctx.store.get_session(sid) is None
    assert page.on_worker_export("teacher", "") == {page.notice: bi("tr_privacy_need_code")}
    assert page.on_worker_delete(None, "x", True) == {page.notice: bi("login_needed")}
