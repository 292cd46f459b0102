"""Defects found in the trainer pages (issue 15), each pinned by a test: the transcript export follows the open
session, the table says when it is truncated while exports and statistics take every session, exports do not
pile up, and the views show names, option texts and plain text instead of ids, letters and Markdown."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from assessor.i18n import bi
from assessor.ui.app import build_app
from assessor.ui.context import AppContext
from assessor.ui.trainer import TrainerPage
from assessor.ui.trainer.tables import ITEM_COLUMNS, ITEM_WIDTHS, SESSION_COLUMNS, SESSION_WIDTHS
from tests.ui.harness import Screen
from tests.ui.test_trainer import NO_FILTER, PASSWORD, built, finish

ANSWER = "先关火，开窗通风"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[AppContext, dict[str, str]]:
    from tests.ui.conftest import make_context

    ctx = make_context(tmp_path_factory.mktemp("trainer-defects"))
    ctx.store.add_trainer("teacher", PASSWORD)
    out = {"李梅": finish(ctx, "李梅", ANSWER, seed=7), "王芳": finish(ctx, "王芳", ANSWER, seed=3)}
    time.sleep(0.01)
    out["张兰"] = ctx.assessment.start("张兰", role="housekeeper", level=4, lang="en", seed=5).session_id
    return ctx, out


def logged_in(ctx: AppContext) -> tuple[TrainerPage, Screen]:
    """The whole app, with the trainer logged in through the login button (as a browser would)."""
    blocks = build_app(ctx)
    page: TrainerPage = blocks.trainer_page
    screen = Screen(blocks)
    screen.set(page.username, "teacher")
    screen.set(page.password, PASSWORD)
    screen.run("trainer_login")
    assert screen.get(page.user) == "teacher"
    return page, screen


def _pdf_text(path: str | Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def test_transcript_export_is_the_open_session_even_after_the_query_is_run_again(
        seeded: tuple[AppContext, dict[str, str]]) -> None:
    ctx, sessions = seeded
    page, screen = logged_in(ctx)  # the login runs the sessions list after it
    assert screen.get(page.session_pick) == sessions["张兰"]  # the newest is picked first
    screen.set(page.session_pick, sessions["李梅"])
    screen.run("trainer_open")
    assert "李梅" in screen.get(page.header)
    screen.run("trainer_sessions")  # the trainer re-runs the query: the dropdown moves to the newest again
    screen.run("trainer_export_transcript")
    text = _pdf_text(screen.get(page.export_file))
    assert "李梅" in text and "张兰" not in text


def test_the_session_list_says_when_it_is_truncated_and_exports_take_every_session(
        seeded: tuple[AppContext, dict[str, str]]) -> None:
    ctx, sessions = seeded
    page = built(ctx)
    page.table_rows = 2
    out = page.on_sessions("teacher", *NO_FILTER)
    assert len(out[page.sessions_table]) == 2
    assert bi("tr_truncated", shown=2, total=3) in out[page.notice]
    exported = page.on_export_sessions("teacher", *NO_FILTER)[page.export_file]
    rows = list(csv.DictReader(io.StringIO(Path(exported).read_text(encoding="utf-8-sig"))))
    assert {r["session_id"] for r in rows} == set(sessions.values())
    cohort = page.on_cohort("teacher", *NO_FILTER)
    assert bi("tr_cohort_done", sessions=3, items=len(cohort[page.stats_table])) in cohort[page.notice]
    page.table_rows = 500
    assert bi("tr_truncated", shown=3, total=3) not in page.on_sessions("teacher", *NO_FILTER)[page.notice]


def test_store_pages_count_and_streams_sessions(seeded: tuple[AppContext, dict[str, str]]) -> None:
    ctx, sessions = seeded
    store = ctx.store
    assert store.count_sessions() == 3
    pages = [store.list_sessions(limit=2, offset=0), store.list_sessions(limit=2, offset=2)]
    ids = [s.id for page in pages for s, _w in page]
    assert len(pages[0]) == 2 and len(pages[1]) == 1 and sorted(ids) == sorted(sessions.values())
    streamed = [s.id for batch in store.iter_sessions(batch=2) for s, _w in batch]
    assert streamed == ids and [len(b) for b in store.iter_sessions(batch=2)] == [2, 1]
    trainer = store.get_trainer("teacher")
    assert trainer is not None and trainer.username == "teacher" and store.get_trainer("nobody") is None


def test_exports_go_to_one_folder_and_old_ones_are_removed(seeded: tuple[AppContext, dict[str, str]]) -> None:
    import tempfile

    ctx, _sessions = seeded
    page = built(ctx)
    before = set(Path(tempfile.gettempdir()).glob("assessor-export-*"))
    first = Path(page.on_export_sessions("teacher", *NO_FILTER)[page.export_file])
    assert first.parent == ctx.export_dir
    hour_ago = time.time() - 2 * 3600
    os.utime(first, (hour_ago, hour_ago))
    second = Path(page.on_export_xapi("teacher", *NO_FILTER)[page.export_file])
    assert second.is_file() and not first.exists()  # the old export was removed
    assert set(Path(tempfile.gettempdir()).glob("assessor-export-*")) == before


def test_views_show_names_option_texts_and_plain_text(seeded: tuple[AppContext, dict[str, str]]) -> None:
    ctx, sessions = seeded
    page = built(ctx)
    table = page.on_sessions("teacher", *NO_FILTER)[page.sessions_table]
    role = ctx.bank.roles["housekeeper"]
    assert set(table["工种 role"]) == {f"{role.name.zh} {role.name.en}"}
    assert "True" not in table.to_csv() and "False" not in table.to_csv()
    out = page.on_open("teacher", sessions["李梅"])
    messages, items = out[page.messages_table], out[page.items_table]
    assessor_texts = [t for t, who in zip(messages["内容 text"], messages["谁 who"], strict=True) if "assessor" in who]
    assert assessor_texts and not any("**" in t or t.startswith("_") or "|---" in t for t in assessor_texts)
    for response, shown in zip(ctx.store.responses(sessions["李梅"]), items["回答 answer"], strict=True):
        item = ctx.bank.items[response.item_id]
        if item.type != "open_scenario":
            picks = [response.answer] if isinstance(response.answer, str) else response.answer
            assert all(o.zh in shown for o in item.options if o.id in picks), (shown, picks)
            assert shown not in ("a", "b", "c", "d") and ", " not in shown
    assert "无 none" in page.on_open("teacher", sessions["张兰"])[page.header]


def test_every_column_has_a_width_that_fits(seeded: tuple[AppContext, dict[str, str]]) -> None:
    page = built(seeded[0])
    for columns, widths, table in ((SESSION_COLUMNS, SESSION_WIDTHS, page.sessions_table),
                                   (ITEM_COLUMNS, ITEM_WIDTHS, page.items_table)):
        assert len(widths) == len(columns) and list(table.column_widths or []) == widths
        assert sum(float(w.rstrip("%")) for w in widths) <= 100.0


def test_cohort_statistics_warn_when_there_are_few_sessions(seeded: tuple[AppContext, dict[str, str]]) -> None:
    page = built(seeded[0])
    notice = page.on_cohort("teacher", *NO_FILTER)[page.notice]
    assert bi("tr_small_n", n=2, min_n=page.min_cohort) in notice
    page.min_cohort = 2
    assert bi("tr_small_n", n=2, min_n=2) not in page.on_cohort("teacher", *NO_FILTER)[page.notice]


def test_handlers_update_only_their_declared_outputs(seeded: tuple[AppContext, dict[str, str]]) -> None:
    ctx, sessions = seeded
    page, screen = logged_in(ctx)
    screen.set(page.session_pick, sessions["王芳"])
    calls: list[tuple[str, Any]] = [("trainer_open", None), ("trainer_second_opinion", None),
                                    ("trainer_cohort", None), ("trainer_export_sessions", None),
                                    ("trainer_export_responses", None), ("trainer_export_xapi", None),
                                    ("trainer_bank_check", None), ("trainer_preview", None), ("trainer_logout", None)]
    screen.set(page.item_pick, next(iter(ctx.bank.items)))
    for api_name, event in calls:
        screen.run(api_name, event)  # the harness fails on an update to a component that is not an output
    assert screen.get(page.user) is None and screen.get(page.opened) is None
