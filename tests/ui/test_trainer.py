"""The trainer pages' handlers, called directly (no server): the login guard on every handler, sessions,
transcript, path plot, cohort statistics, exports, the bank page, and that a worker never sees another's data."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from assessor.i18n import bi
from assessor.ui.context import AppContext
from assessor.ui.trainer import TrainerPage, make_filter
from tests.helpers import right_response
from tests.ui.conftest import free_port, make_context

PASSWORD = "correct horse 42"
NO_FILTER: list[Any] = ["", "", "", "", "", "", "", ""]  # centre, role, worker, from, to, level, status, search
HTML_ANSWER = "<b>不要扶</b>，打120 <script>alert(1)</script>"


def _answer(ctx: AppContext, item_id: str, open_text: str) -> Any:
    return right_response(ctx.bank.items[item_id], open_text)


def finish(ctx: AppContext, worker: str, open_text: str = HTML_ANSWER, seed: int = 7) -> str:
    """Drive a whole quiz through the dialogue; returns the session id."""
    turn = ctx.assessment.start(worker, role="housekeeper", level=5, lang="zh", seed=seed)
    while turn.question is not None:
        turn = ctx.assessment.answer(turn.session_id, turn.question.item_id,
                                     _answer(ctx, turn.question.item_id, open_text))
    return turn.session_id


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[AppContext, dict[str, str]]:
    """One app context (tiny bank) with a trainer account, two finished quizzes and one just started."""
    ctx = make_context(tmp_path_factory.mktemp("trainer-app"))
    ctx.store.add_trainer("teacher", PASSWORD)
    out = {"李梅": finish(ctx, "李梅"), "王芳": finish(ctx, "王芳", "扶起来喝水", seed=3)}
    out["张兰"] = ctx.assessment.start("张兰", role="housekeeper", level=4, lang="en", seed=5).session_id
    return ctx, out


def built(ctx: AppContext) -> TrainerPage:
    """A trainer page whose components exist (inside a Blocks, no server)."""
    import gradio as gr

    page = TrainerPage(ctx)
    with gr.Blocks():
        page.build()
    return page


@pytest.fixture
def trainer(seeded: tuple[AppContext, dict[str, str]]) -> TrainerPage:
    return built(seeded[0])


def value(update: Any) -> Any:
    """The value a component gets from an update (plain value or gr.update dict)."""
    if isinstance(update, dict) and update.get("__type__") == "update":
        return update.get("value")
    return update


@pytest.fixture
def sessions(seeded: tuple[AppContext, dict[str, str]]) -> dict[str, str]:
    return seeded[1]


def _login(page: TrainerPage) -> str:
    out = page.on_login("teacher", PASSWORD)
    assert out[page.user] == "teacher" and "teacher" in out[page.notice]
    return str(out[page.user])


@contextlib.contextmanager
def launched_app(ctx: AppContext) -> Iterator[str]:
    """The whole app (worker and trainer tabs) on 127.0.0.1 and a free port; yields its URL."""
    from assessor.ui.app import build_app, launch_kwargs

    blocks = build_app(ctx)
    port = free_port()
    blocks.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                  **launch_kwargs(ctx))
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        blocks.close()


LOGIN_NEEDED = bi("login_needed")


def _all_handlers(page: TrainerPage, user: Any, session_id: str) -> list[dict[Any, Any]]:
    return [
        page.on_sessions(user, *NO_FILTER),
        page.on_table_select(user, None),  # type: ignore[arg-type]
        page.on_open(user, session_id),
        page.on_second_opinion(user, session_id, "1"),
        page.on_cohort(user, *NO_FILTER),
        page.on_export_sessions(user, *NO_FILTER),
        page.on_export_responses(user, *NO_FILTER),
        page.on_export_transcript(user, session_id),
        page.on_export_xapi(user, *NO_FILTER),
        page.on_bank_check(user),
        page.on_bank_search(user, "跌倒", ["stem"]),
        page.on_hit_select(user, None),  # type: ignore[arg-type]
        page.on_preview(user, next(iter(page.bank.items))),
    ]


def test_login_fails_with_a_wrong_password(trainer: TrainerPage) -> None:
    for username, password in [("teacher", "wrong password"), ("nobody", PASSWORD), ("", ""), (None, None)]:
        out = trainer.on_login(username, password)
        assert out[trainer.user] is None and out[trainer.notice] == bi("login_failed")
        assert out[trainer.login_box]["visible"] is True and out[trainer.content]["visible"] is False


def test_a_centre_trainer_sees_only_their_centre(trainer: TrainerPage, sessions: dict[str, str]) -> None:
    trainer.store.add_trainer("jinan-lead", "jinan-password", centre="Jinan")
    table = trainer.on_sessions("jinan-lead", *NO_FILTER)[trainer.sessions_table]
    assert len(table) == 0  # every seeded session is at the "default" centre
    session_id = next(iter(sessions.values()))
    assert trainer.on_open("jinan-lead", session_id) == {trainer.notice: bi("tr_session_missing")}
    assert trainer.on_export_transcript("jinan-lead", session_id) == {trainer.notice: bi("tr_session_missing")}
    assert trainer.on_open("teacher", session_id)[trainer.notice] == ""  # it opens for a "default" account
    everyone = trainer.on_sessions("teacher", *NO_FILTER)[trainer.sessions_table]  # a "default" account sees all
    assert len(everyone) == len(sessions)


def test_repeated_failed_logins_lock_that_username(trainer: TrainerPage) -> None:
    for _ in range(5):
        assert trainer.on_login("teacher", "wrong password")[trainer.notice] == bi("login_failed")
    out = trainer.on_login("teacher", PASSWORD)  # even the right password waits now
    assert out[trainer.user] is None and "秒" in out[trainer.notice] and "seconds" in out[trainer.notice]
    other = trainer.on_login("nobody-else", "x")  # other usernames are not locked
    assert other[trainer.user] is None and other[trainer.notice] == bi("login_failed")


def test_every_handler_returns_only_the_login_message_without_login(trainer: TrainerPage, sessions: dict[str, str],
                                                                    tmp_path: Path) -> None:
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("assessor-export-*"))
    exports = trainer.ctx.export_dir
    files_before = set(exports.iterdir()) if exports.exists() else set()
    for user in (None, "", "intruder", {"name": "teacher"}):
        for out in _all_handlers(trainer, user, sessions["李梅"]):
            assert out == {trainer.notice: LOGIN_NEEDED}  # nothing else is touched
    assert trainer.on_after_login(None, *NO_FILTER) == {}
    assert set(Path(tempfile.gettempdir()).glob("assessor-export-*")) == before
    assert (set(exports.iterdir()) if exports.exists() else set()) == files_before  # no export file was written


def test_logout_clears_everything(trainer: TrainerPage) -> None:
    user = _login(trainer)
    trainer.on_open(user, next(iter(trainer.store.list_sessions()))[0].id)
    out = trainer.on_logout(user)
    assert out[trainer.user] is None and out[trainer.opened] is None and out[trainer.notice] == bi("tr_logged_out")
    assert out[trainer.content]["visible"] is False and out[trainer.login_box]["visible"] is True
    assert all(out[c] is None for c in trainer.data_outputs) and len(trainer.data_outputs) >= 18


def test_sessions_list_filter_and_search(trainer: TrainerPage, sessions: dict[str, str]) -> None:
    user = _login(trainer)
    out = trainer.on_sessions(user, *NO_FILTER)
    table, pick = out[trainer.sessions_table], out[trainer.session_pick]
    assert isinstance(table, pd.DataFrame) and len(table) == 3 and "3" in out[trainer.notice]
    assert {v for _label, v in pick["choices"]} == set(sessions.values())

    def workers(*filters: str) -> list[str]:
        return list(trainer.on_sessions(user, *filters)[trainer.sessions_table].iloc[:, 1])

    assert set(workers("", "", "", "", "", "", "finished", "")) == {"李梅", "王芳"}
    assert workers("", "", "王芳", "", "", "", "", "") == ["王芳"]
    assert workers("", "", "", "", "", "", "", "张") == ["张兰"]
    assert workers("", "", "", "2000-01-01", "2000-12-31", "", "", "") == []
    assert workers("elsewhere", "", "", "", "", "", "", "") == []
    assert len(workers("", "housekeeper", "", "", "", "", "", "")) == 3
    assert trainer.on_sessions(user, "", "", "", "yesterday", "", "", "", "") == {trainer.notice: bi("tr_bad_date")}


def test_make_filter_parses_dates_inclusively() -> None:
    flt = make_filter(" c1 ", "", "", "2026-03-01", "2026-03-01", "5", "", "")
    assert flt.centre == "c1" and flt.level_reached == 5
    assert flt.date_from is not None and flt.date_to is not None
    assert (flt.date_to - flt.date_from).days == 0 and flt.date_to.hour == 23


def test_transcript_detail_items_and_path_plot(trainer: TrainerPage, sessions: dict[str, str]) -> None:
    user = _login(trainer)
    sid = sessions["李梅"]
    out = trainer.on_open(user, sid)
    header, messages, items, plot = (out[trainer.header], out[trainer.messages_table], out[trainer.items_table],
                                     out[trainer.path])
    assert out[trainer.notice] == "" and "李梅" in header and out[trainer.opened] == sid
    stored = trainer.store.messages(sid)
    assert len(messages) == len(stored)
    worker_said = [m.text for m in stored if m.speaker == "worker"]
    assert [t for t, m in zip(messages["内容 text"], stored, strict=True) if m.speaker == "worker"] == worker_said
    sources = set(messages["来源 source"])
    assert {"题库 bank", "学员 worker"} <= sources
    assert set(messages["谁 who"]) == {"学员 worker", "测评 assessor"}
    responses = trainer.store.responses(sid)
    assert list(items["题号 item"]) == [f"{r.item_id} v{r.item_version}" for r in responses]
    first = responses[0]
    assert items.iloc[0]["a"] == round(first.item_params["a"], 2)
    assert items.iloc[0]["θ"] == round(first.theta[first.domain], 3)
    assert HTML_ANSWER in set(items["回答 answer"])  # the worker's text as typed, in a plain-text table cell
    assert isinstance(plot, Figure) and len(plot.axes) == len({r.domain for r in responses})
    assert any(ax.containers for ax in plot.axes)  # error bars drawn
    assert out[trainer.opinion_pick]["choices"] and out[trainer.opinion_pick]["value"] is not None
    # Header text from a worker is escaped (nothing rendered as HTML).
    assert "<" not in header


def test_open_without_a_session_or_unknown_gives_a_message(trainer: TrainerPage) -> None:
    user = _login(trainer)
    assert trainer.on_open(user, "") == {trainer.notice: bi("tr_no_session")}
    assert trainer.on_open(user, "nope") == {trainer.notice: bi("tr_session_missing")}


def test_second_opinion_is_labelled_not_a_score(trainer: TrainerPage, sessions: dict[str, str]) -> None:
    user = _login(trainer)
    sid = sessions["李梅"]
    seq = trainer.on_open(user, sid)[trainer.opinion_pick]["value"]
    out = trainer.on_second_opinion(user, sid, seq)
    text = out[trainer.opinion]
    assert out[trainer.notice] == "" and bi("tr_not_a_score") in text
    assert "<script>" not in text
    assert trainer.on_second_opinion(user, sid, "999") == {trainer.notice: bi("tr_no_free_text")}


def test_cohort_statistics_and_distribution(trainer: TrainerPage, sessions: dict[str, str]) -> None:
    user = _login(trainer)
    out = trainer.on_cohort(user, *NO_FILTER)
    plot, stats, flagged = out[trainer.dist], out[trainer.stats_table], out[trainer.flagged_table]
    answered = {r.item_id for r in trainer.store.all_responses()}
    assert set(stats["题号 item"]) == answered
    assert stats["p"].between(0, 1).all() and {"r_pb", "曝光 exposure", "平均秒 mean s"} <= set(stats.columns)
    assert isinstance(plot, Figure)
    assert isinstance(flagged, pd.DataFrame) and list(flagged.columns) == list(stats.columns)
    empty = trainer.on_cohort(user, "", "", "nobody", "", "", "", "", "")
    assert empty[trainer.notice] == bi("tr_no_data") and empty[trainer.dist] is None


def _file(page: TrainerPage, out: dict[Any, Any]) -> Path:
    path = out.get(page.export_file)
    assert path, out[page.notice]
    assert Path(path).parent == page.ctx.export_dir
    return Path(path)


def test_exports_are_valid_files(trainer: TrainerPage, sessions: dict[str, str]) -> None:
    user = _login(trainer)
    rows = list(csv.DictReader(io.StringIO(_file(trainer, trainer.on_export_sessions(user, *NO_FILTER))
                                           .read_text(encoding="utf-8-sig"))))
    assert {r["session_id"] for r in rows} == set(sessions.values())
    only = ["", "", "李梅", "", "", "", "", ""]
    responses = list(csv.DictReader(io.StringIO(_file(trainer, trainer.on_export_responses(user, *only))
                                                .read_text(encoding="utf-8-sig"))))
    assert len(responses) == len(trainer.store.responses(sessions["李梅"]))
    pdf = _file(trainer, trainer.on_export_transcript(user, sessions["李梅"]))
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert "李梅" in "".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)
    statements = json.loads(_file(trainer, trainer.on_export_xapi(user, *NO_FILTER)).read_text(encoding="utf-8"))
    assert len([s for s in statements if s["verb"]["id"].endswith("completed")]) == 2
    assert all({"actor", "verb", "object"} <= set(s) for s in statements)
    assert trainer.on_export_transcript(user, "") == {trainer.notice: bi("tr_no_session")}


def test_bank_page_validation_stats_search_preview(trainer: TrainerPage) -> None:
    user = _login(trainer)
    out = trainer.on_bank_check(user)
    assert len(out[trainer.problems_table]) == 0 and out[trainer.notice] == bi("tr_bank_ok", n=len(trainer.bank.items))
    assert out[trainer.stats_json]["items"] == len(trainer.bank.items)
    out = trainer.on_bank_search(user, "老人摔倒了怎么办", ["stem", "explanation"])
    hits = out[trainer.hits_table]
    assert out[trainer.notice] == "" and len(hits) > 0 and set(hits["类型 kind"]) <= {"stem", "explanation"}
    assert trainer.on_bank_search(user, "   ", []) == {trainer.notice: bi("tr_empty_query")}
    item = next(iter(trainer.bank.items.values()))
    out = trainer.on_preview(user, item.id)
    zh, en, meta = out[trainer.preview_zh], out[trainer.preview_en], out[trainer.preview_meta]
    assert item.stem.zh in zh and item.stem.en in en and item.explanation.en in en
    assert f"a = {item.irt.a:g}" in meta and item.course_refs[0] in meta
    unknown = trainer.on_preview(user, "<img src=x>")[trainer.notice]
    assert "<img" not in unknown and "&lt;img" in unknown


def test_bank_page_reports_problems(ctx: AppContext, tiny_bank_dir: Path) -> None:
    ctx.store.add_trainer("teacher", PASSWORD)
    trainer = built(ctx)
    user = _login(trainer)
    (tiny_bank_dir / "items" / "cleaning.yaml").write_text("items:\n  - id: bad\n", encoding="utf-8")
    ctx.bank.root = tiny_bank_dir  # type: ignore[misc]
    out = trainer.on_bank_check(user)
    problems = out[trainer.problems_table]
    assert len(problems) > 0 and out[trainer.notice] == bi("tr_bank_problems", n=len(problems))
    assert "items/cleaning.yaml" in set(problems["文件 file"])


def test_search_says_loading_while_the_index_is_not_ready(trainer: TrainerPage, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    user = _login(trainer)
    release = threading.Event()
    monkeypatch.setattr(trainer.ctx.models, "index", lambda: release.wait(5))
    trainer.model_wait = 0.1
    try:
        assert trainer.on_bank_search(user, "摔倒", ["stem"]) == {trainer.notice: bi("tr_models_loading")}
    finally:
        release.set()


def test_resume_by_code_shows_only_that_workers_session(seeded: tuple[AppContext, dict[str, str]]) -> None:
    ctx, sessions = seeded
    from assessor.ui.app import build_app
    from assessor.ui.worker import Tab

    page = build_app(ctx).worker_page
    mine = ctx.store.get_session(sessions["李梅"])
    other = ctx.store.get_session(sessions["王芳"])
    assert mine is not None and other is not None
    updates = page.on_resume(mine.resume_code, Tab(lang="zh"))
    shown = json.dumps([v for v in updates.values() if not isinstance(v, Figure)], ensure_ascii=False, default=str)
    assert mine.resume_code in shown
    assert other.resume_code not in shown and "王芳" not in shown and "扶起来喝水" not in shown
    assert other.id not in shown


def test_build_trainer_tab_inside_the_app(seeded: tuple[AppContext, dict[str, str]]) -> None:
    from assessor.ui.app import build_app

    blocks = build_app(seeded[0])
    config = json.dumps(blocks.get_config_file(), ensure_ascii=False, default=str)
    assert "trainer-login-btn" in config and bi("tab_trainer") in config


@pytest.mark.slow
def test_api_reaches_no_trainer_data_without_login(seeded: tuple[AppContext, dict[str, str]]) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    ctx, sessions = seeded
    with launched_app(ctx) as url:
        client = Client(url, verbose=False)
        endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
        assert "/trainer_sessions" in endpoints and not any(name.endswith("_1") for name in endpoints
                                                              if "trainer" in name)
        calls: list[tuple[str, tuple[Any, ...]]] = [
            ("/trainer_sessions", tuple(NO_FILTER)), ("/trainer_open", (sessions["李梅"],)),
            ("/trainer_cohort", tuple(NO_FILTER)), ("/trainer_export_sessions", tuple(NO_FILTER)),
            ("/trainer_export_responses", tuple(NO_FILTER)), ("/trainer_export_xapi", tuple(NO_FILTER)),
            ("/trainer_export_transcript", (sessions["李梅"],)), ("/trainer_bank_check", ()),
            ("/trainer_preview", (next(iter(ctx.bank.items)),)),
        ]
        for api_name, args in calls:
            try:
                out = client.predict(*args, api_name=api_name)
            except AppError as error:  # a session id not among this browser session's choices: refused
                assert "not in the list of choices" in str(error) and "trainer_" in api_name
                continue
            assert out[0] == LOGIN_NEEDED, api_name
            shown = json.dumps(out[1:], ensure_ascii=False, default=str)
            assert "李梅" not in shown and sessions["李梅"] not in shown, api_name
        assert client.predict("teacher", "wrong password", api_name="/trainer_login")[0] == bi("login_failed")
        assert client.predict(*NO_FILTER, api_name="/trainer_sessions")[0] == LOGIN_NEEDED
        client.predict("teacher", PASSWORD, api_name="/trainer_login")
        assert "李梅" in json.dumps(client.predict(*NO_FILTER, api_name="/trainer_sessions"), ensure_ascii=False)
