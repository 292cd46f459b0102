"""The trainer's tables as plain data frames (plain strings and numbers; nothing is rendered as HTML), and the
filter panel's values as a `SessionFilter`.

Each table has its columns and their widths side by side, so every column stays visible on a 1366 px screen.
Role ids show as names, answers as the options' texts, our own Markdown as plain text, yes/no/none in both
languages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from assessor.bank.load import Bank
from assessor.i18n import bi, bi_short
from assessor.report.plain import markdown_plain
from assessor.responses import answer_text
from assessor.store import AssessmentSession, Message, Response, SessionFilter, Worker
from assessor.ui.trainer.auth import Problem, clean

SESSION_COLUMNS = ["结果码 code", "学员 worker", "中心 centre", "工种 role", "目标 target", "状态 status",
                   "开始 started", "结束 ended", "达到 reached", "达标 ready", "题数 items", "提示 notes"]
SESSION_WIDTHS = ["8%", "9%", "7%", "12%", "5%", "7%", "10%", "10%", "6%", "6%", "6%", "14%"]
MESSAGE_COLUMNS = ["#", "时间 time", "谁 who", "类型 kind", "来源 source", "原因 why", "内容 text"]
MESSAGE_WIDTHS = ["5%", "8%", "10%", "9%", "9%", "14%", "45%"]
ITEM_COLUMNS = ["#", "题号 item", "领域 domain", "L", "类型 type", "a", "b", "c", "回答 answer", "得分 score",
                "θ", "SE", "秒 s", "备注 note"]
ITEM_WIDTHS = ["4%", "10%", "10%", "3%", "9%", "5%", "5%", "5%", "22%", "6%", "6%", "5%", "4%", "6%"]
STAT_COLUMNS = ["题号 item", "领域 domain", "等级 L", "类型 type", "n", "p", "r_pb", "曝光 exposure",
                "平均秒 mean s", "misfit", "DIF zh/en", "标记 flags"]
PROBLEM_COLUMNS = ["文件 file", "行 line", "字段 field", "问题 problem"]
HIT_COLUMNS = ["相似度 score", "类型 kind", "引用 ref", "语言 lang", "内容 text"]
SOURCE_NAMES = {"bank": "题库 bank", "model": "模型 model", "worker": "学员 worker", "system": "系统 system"}
SPEAKER_NAMES = {"worker": "学员 worker", "assessor": "测评 assessor"}
FLAG_NAMES = {"low_discrimination": "区分度低 low discrimination",
              "negative_discrimination": "区分度为负 negative discrimination",
              "misfit": "拟合差 misfit", "over_exposed": "曝光过多 over-exposed",
              "dif": "中英文差异 DIF zh/en"}


def parse_day(value: Any, *, end: bool = False) -> datetime | None:
    """YYYY-MM-DD (or empty) as the start of that day, or its last microsecond when `end`."""
    text = clean(value, 40)
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        raise Problem(bi("tr_bad_date"))
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError as error:
        raise Problem(bi("tr_bad_date")) from error
    return day + timedelta(days=1, microseconds=-1) if end else day


def make_filter(centre: Any, role: Any, worker: Any, date_from: Any, date_to: Any, level: Any, status: Any,
                search: Any) -> SessionFilter:
    """The filter panel's values as a `SessionFilter` (empty means any)."""
    level_text = clean(level, 4)
    return SessionFilter(
        centre=clean(centre) or None, role=clean(role) or None, worker=clean(worker) or None,
        date_from=parse_day(date_from), date_to=parse_day(date_to, end=True),
        level_reached=int(level_text) if level_text.isdigit() else None,
        status=clean(status, 16) or None, search=clean(search) or None,
    )


def when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def yes_no(value: bool | None) -> str:
    return "" if value is None else bi_short("yes" if value else "no")


def role_name(bank: Bank, role: str) -> str:
    """A role as "中文名 English name" (its id when the bank no longer has it)."""
    found = bank.roles.get(role)
    return f"{found.name.zh} {found.name.en}" if found else role


def number(value: Any, digits: int = 2) -> float | None:
    """A finite number rounded to `digits`, or None."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(result) or math.isinf(result) else round(result, digits)


def answered(session: AssessmentSession) -> int:
    return len((session.state or {}).get("engine", {}).get("responses", []))


def sessions_frame(rows: Sequence[tuple[AssessmentSession, Worker]], bank: Bank,
                   notes: dict[str, str] | None = None) -> pd.DataFrame:
    """The sessions table; `notes` (session id → text) fills the notes column (unreliable, waiting for review)."""
    notes = notes or {}
    body = [[s.resume_code, w.code, s.centre, role_name(bank, s.role), s.target_level,
             f"{s.status} · 练习 practice" if s.kind == "practice" else s.status, when(s.started_at),
             when(s.ended_at), "" if s.level_reached is None else s.level_reached, yes_no(s.ready), answered(s),
             notes.get(s.id, "")]
            for s, w in rows]
    return pd.DataFrame(body, columns=SESSION_COLUMNS)


def session_choices(rows: Sequence[tuple[AssessmentSession, Worker]], bank: Bank) -> list[tuple[str, str]]:
    """Dropdown choices (label, session id) for the sessions found."""
    return [(f"{s.resume_code} · {w.code} · {role_name(bank, s.role)} L{s.target_level} · {when(s.started_at)}", s.id)
            for s, w in rows]


def messages_frame(messages: Sequence[Message]) -> pd.DataFrame:
    """Every message: who said it, what kind, from the bank or a model, and why. Our own Markdown is shown as
    plain text; a worker's words exactly as typed."""
    body = [[m.seq, f"{m.created_at:%H:%M:%S}" if m.created_at else "", SPEAKER_NAMES.get(m.speaker, m.speaker),
             m.kind, SOURCE_NAMES.get(m.source, m.source), m.reason or "",
             m.text if m.speaker == "worker" else markdown_plain(m.text)] for m in messages]
    return pd.DataFrame(body, columns=MESSAGE_COLUMNS)


def items_frame(responses: Sequence[Response], bank: Bank, lang: str) -> pd.DataFrame:
    """Per item: parameters as used, the answer as the options' texts, the score, θ/SE in its domain after it."""
    body = []
    for r in responses:
        p = r.item_params or {}
        body.append([r.seq, f"{r.item_id} v{r.item_version}", r.domain, r.level, r.item_type, number(p.get("a")),
                     number(p.get("b")), number(p.get("c")), answer_text(bank.items.get(r.item_id), r.answer, lang),
                     round(float(r.score), 3), number(r.theta.get(r.domain), 3), number(r.se.get(r.domain), 3),
                     number(r.seconds, 1), item_note(r)])
    return pd.DataFrame(body, columns=ITEM_COLUMNS)


REVIEW_NOTES = {"needs_review": "待复核 to review", "reviewed": "已复核 reviewed"}


def item_note(response: Response) -> str:
    """The items table's note: a trial (pilot) item, an answer waiting for or done by a trainer's review."""
    notes = ["试测 pilot"] if response.pilot else []
    status = getattr(response, "review_status", "auto")
    if status in REVIEW_NOTES:
        notes.append(REVIEW_NOTES[status])
    return " · ".join(notes)


def stats_frame(stats: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Item statistics (flags in both languages)."""
    body = [[s["item_id"], s["domain"], s["level"], s["type"], s["n"], s["p_value"], s["point_biserial"],
             s["exposure"], s["mean_seconds"], s["misfit"], s.get("dif") or "", "; ".join(FLAG_NAMES.get(f, f) for f in s["flags"])]
            for s in stats]
    return pd.DataFrame(body, columns=STAT_COLUMNS)


def problems_frame(problems: Sequence[Any]) -> pd.DataFrame:
    return pd.DataFrame([[p.file, p.line, p.field, p.message] for p in problems], columns=PROBLEM_COLUMNS)


def hits_frame(hits: Sequence[Any]) -> pd.DataFrame:
    body = [[round(h.score, 3), h.entry.kind, h.entry.ref, h.entry.lang, h.entry.text[:200]] for h in hits]
    return pd.DataFrame(body, columns=HIT_COLUMNS)
