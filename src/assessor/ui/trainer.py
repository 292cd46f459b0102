"""The trainer pages: login, sessions with transcripts, cohort analytics, exports, and the question bank.

    build_trainer_tab(ctx)          # inside the app's gr.Blocks / gr.Tabs (ui/app.py calls it)

Security: the logged-in name lives in a server-side `gr.State` (never sent to the browser, never an API
input). Every handler re-checks it against the store's trainer accounts first and, without it, returns only
the "please log in" message and empty values, so the API reaches no data and no export file is written.
Nothing typed by a trainer or a worker is rendered as HTML: Markdown gets `plain()`/`safe_markdown()`, tables
hold plain strings.
"""

from __future__ import annotations

import json
import logging
import math
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import gradio as gr
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from assessor.bank.load import check_bank
from assessor.bank.schema import LEVELS, Item
from assessor.bank.stats import bank_stats
from assessor.i18n import t
from assessor.report import (
    domain_distributions,
    item_statistics,
    responses_csv,
    sessions_csv,
    transcript_pdf,
    xapi_statements,
)
from assessor.store import AssessmentSession, Response, SessionFilter, Worker
from assessor.ui.charts import cjk_font
from assessor.ui.context import AppContext
from assessor.ui.text import plain, safe_markdown

log = logging.getLogger(__name__)
T = TypeVar("T")
Out = tuple[Any, ...]

MODEL_WAIT_SECONDS = 3.0
MAX_FILTER_CHARS = 200
SEARCH_KINDS = ("stem", "explanation", "unit", "domain")
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="assessor-trainer")

SESSION_COLUMNS = ["结果码 code", "学员 worker", "中心 centre", "工种 role", "目标 target", "状态 status",
                   "开始 started (UTC)", "结束 ended (UTC)", "达到 reached", "达标 ready", "题数 items"]
MESSAGE_COLUMNS = ["#", "时间 time", "谁 who", "类型 kind", "来源 source", "原因 why", "内容 text"]
ITEM_COLUMNS = ["#", "题号 item", "领域 domain", "等级 L", "类型 type", "a", "b", "c", "回答 answer", "得分 score",
                "θ", "SE", "秒 s", "试测 pilot"]
STAT_COLUMNS = ["题号 item", "领域 domain", "等级 L", "类型 type", "n", "p", "r_pb", "曝光 exposure",
                "平均秒 mean s", "misfit", "标记 flags"]
PROBLEM_COLUMNS = ["文件 file", "行 line", "字段 field", "问题 problem"]
HIT_COLUMNS = ["相似度 score", "类型 kind", "引用 ref", "语言 lang", "内容 text"]
SOURCE_NAMES = {"bank": "题库 bank", "model": "模型 model", "worker": "学员 worker", "system": "系统 system"}
SPEAKER_NAMES = {"worker": "学员 worker", "assessor": "测评 assessor"}
FLAG_NAMES = {"low_discrimination": "区分度低 low discrimination",
              "negative_discrimination": "区分度为负 negative discrimination",
              "misfit": "拟合差 misfit", "over_exposed": "曝光过多 over-exposed"}


def bi(key: str, **values: object) -> str:
    """A label in both languages: "中文 / English"."""
    return f"{t(key, 'zh', **values)} / {t(key, 'en', **values)}"


class Problem(Exception):
    """A message for the trainer (already bilingual); nothing else changes."""


def _text(value: Any, limit: int = MAX_FILTER_CHARS) -> str:
    """A trainer's typed value as a bounded, stripped string with no control characters."""
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text if ch.isprintable())
    return text.strip()[:limit]


def parse_day(value: Any, *, end: bool = False) -> datetime | None:
    """YYYY-MM-DD (or empty) as the start of that day, or its last microsecond when `end`."""
    text = _text(value, 40)
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
    level_text = _text(level, 4)
    return SessionFilter(
        centre=_text(centre) or None, role=_text(role) or None, worker=_text(worker) or None,
        date_from=parse_day(date_from), date_to=parse_day(date_to, end=True),
        level_reached=int(level_text) if level_text.isdigit() else None,
        status=_text(status, 16) or None, search=_text(search) or None,
    )


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _answer_text(answer: Any) -> str:
    if isinstance(answer, str):
        return answer
    if isinstance(answer, list):
        return ", ".join(map(str, answer))
    return json.dumps(answer, ensure_ascii=False)


def _num(value: Any, digits: int = 2) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else round(number, digits)


def sessions_frame(rows: Sequence[tuple[AssessmentSession, Worker]]) -> pd.DataFrame:
    """The sessions table (plain strings and numbers)."""
    body = []
    for session, worker in rows:
        answered = len((session.state or {}).get("engine", {}).get("responses", []))
        body.append([session.resume_code, worker.code, session.centre, session.role, session.target_level,
                     session.status, _when(session.started_at), _when(session.ended_at),
                     "" if session.level_reached is None else session.level_reached,
                     "" if session.ready is None else ("是 yes" if session.ready else "否 no"), answered])
    return pd.DataFrame(body, columns=SESSION_COLUMNS)


def session_choices(rows: Sequence[tuple[AssessmentSession, Worker]]) -> list[tuple[str, str]]:
    """Dropdown choices (label, session id) for the sessions found."""
    return [(f"{s.resume_code} · {w.code} · {s.role} L{s.target_level} · {_when(s.started_at)}", s.id)
            for s, w in rows]


def messages_frame(messages: Sequence[Any]) -> pd.DataFrame:
    """Every message: who said it, what kind, whether from the bank or a model, and why."""
    body = [[m.seq, f"{m.created_at:%H:%M:%S}" if m.created_at else "", SPEAKER_NAMES.get(m.speaker, m.speaker),
             m.kind, SOURCE_NAMES.get(m.source, m.source), m.reason or "", m.text] for m in messages]
    return pd.DataFrame(body, columns=MESSAGE_COLUMNS)


def items_frame(responses: Sequence[Response]) -> pd.DataFrame:
    """Per item: parameters as used, the answer, the score, θ/SE in its domain after it, seconds."""
    body = []
    for r in responses:
        p = r.item_params or {}
        body.append([r.seq, f"{r.item_id} v{r.item_version}", r.domain, r.level, r.item_type, _num(p.get("a")),
                     _num(p.get("b")), _num(p.get("c")), _answer_text(r.answer), round(float(r.score), 3),
                     _num(r.theta.get(r.domain), 3), _num(r.se.get(r.domain), 3), _num(r.seconds, 1),
                     "是 yes" if r.pilot else ""])
    return pd.DataFrame(body, columns=ITEM_COLUMNS)


def _domain_label(ctx: AppContext, domain: str) -> str:
    found = ctx.bank.domains.get(domain)
    if found is None:
        return domain
    return f"{found.name.zh} {found.name.en}" if cjk_font() else found.name.en


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=100)


def _font_rc() -> dict[str, Any]:
    font = cjk_font()
    return {"family": [font, "DejaVu Sans"]} if font else {}


def path_plot(ctx: AppContext, responses: Sequence[Response], cut: float | None = None) -> Figure | None:
    """θ after each answer with ±SE error bars, one small panel per domain (x: the answer's number)."""
    by_domain: dict[str, list[Response]] = {}
    for r in responses:
        if r.domain in r.theta:
            by_domain.setdefault(r.domain, []).append(r)
    if not by_domain:
        return None
    n = len(by_domain)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    fig = _figure(9, 2.6 * rows + 0.6)
    font = _font_rc()
    last = max(r.seq for r in responses)
    for index, (domain, rs) in enumerate(sorted(by_domain.items())):
        ax: Any = fig.add_subplot(rows, cols, index + 1)
        xs = [r.seq for r in rs]
        ax.errorbar(xs, [float(r.theta[r.domain]) for r in rs], yerr=[float(r.se.get(r.domain, 0.0)) for r in rs],
                    marker="o", capsize=3, color="#1565C0", linewidth=1.8)
        if cut is not None:
            ax.axhline(cut, linestyle="--", color="#E65100", linewidth=1)
        ax.set_title(_domain_label(ctx, domain), fontdict=font or None, fontsize=11)
        ax.set_ylim(-4, 4)
        ax.set_xlabel("#", fontsize=9)
        ax.set_ylabel("θ ± SE", fontsize=9)
        ax.set_xlim(0.5, last + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    fig.tight_layout(rect=(0, 0, 1, 0.95))  # room at the top for the component's label
    return fig


def distribution_plot(ctx: AppContext, distributions: dict[str, list[float]]) -> Figure | None:
    """A box plot of final θ per domain (with n under each label)."""
    domains = [d for d in sorted(distributions) if distributions[d]]
    if not domains:
        return None
    fig = _figure(9, 4.5)
    ax: Any = fig.add_subplot(1, 1, 1)
    labels = [f"{_domain_label(ctx, d)}\n(n={len(distributions[d])})" for d in domains]
    ax.boxplot([distributions[d] for d in domains], showmeans=True)
    ax.set_xticks(range(1, len(domains) + 1))
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=9, fontdict=_font_rc() or None)
    ax.set_ylabel("θ")
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def stats_frame(stats: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Item statistics as a table (flags in both languages)."""
    body = [[s["item_id"], s["domain"], s["level"], s["type"], s["n"], s["p_value"], s["point_biserial"],
             s["exposure"], s["mean_seconds"], s["misfit"], "; ".join(FLAG_NAMES.get(f, f) for f in s["flags"])]
            for s in stats]
    return pd.DataFrame(body, columns=STAT_COLUMNS)


def item_preview(ctx: AppContext, item: Item, lang: str) -> str:
    """One item in one language as Markdown: stem, options with the key marked, explanation (bank text, escaped)."""
    domain = ctx.bank.domains.get(item.domain)
    lines = [f"### {item.id} · {safe_markdown(domain.name.get(lang) if domain else item.domain)} · L{item.level}"
             f" · {item.type}", "", safe_markdown(item.stem.get(lang)), ""]
    key = item.key
    if item.type == "ordering":
        lines += [f"{i}. {safe_markdown(o.text(lang))}" for i, o in enumerate(item.options, start=1)]
        order = " → ".join(str(item.option_ids.index(k) + 1) for k in key if k in item.option_ids)
        lines += ["", f"**{'正确顺序' if lang == 'zh' else 'Correct order'}:** {order}"]
    elif item.options:
        lines += [f"- {'**✓**' if o.id in key else '○'} {o.id}. {safe_markdown(o.text(lang))}" for o in item.options]
    if item.rubric:
        lines.append(f"**{'评分要点' if lang == 'zh' else 'Rubric points'}:**")
        lines += [f"- {safe_markdown(p.text(lang))} (×{p.weight:g})" for p in item.rubric]
    lines += ["", f"**{'解析' if lang == 'zh' else 'Explanation'}:** {safe_markdown(item.explanation.get(lang))}"]
    return "\n".join(lines)


def item_meta(ctx: AppContext, item: Item) -> str:
    """IRT parameters, course references (with unit titles), status and where the item is defined."""
    irt = item.irt
    steps = f", steps {', '.join(f'{s:g}' for s in irt.steps)}" if irt.steps else ""
    lines = [f"**IRT:** a = {irt.a:g}, b = {irt.b:g}, c = {irt.c:g}{steps} ({irt.source})",
             f"**状态 status:** {item.status} · v{item.version} · "
             f"{'已审核 reviewed' if item.reviewed else '未审核 not reviewed'}"]
    if item.standard_ref:
        lines.append(f"**标准 standard:** {safe_markdown(item.standard_ref)}")
    if item.tags:
        lines.append(f"**标签 tags:** {safe_markdown(', '.join(item.tags))}")
    lines.append("**课程 course refs:**")
    for ref in item.course_refs:
        found = ctx.bank.unit_title(ref)
        text = f"- {safe_markdown(ref)}"
        if found is not None:
            course, unit = found
            text += f": {safe_markdown(course.title.zh)} / {safe_markdown(course.title.en)} ({course.hours:g} h)"
            if unit is not None:
                text += f" · {safe_markdown(unit.title.zh)} / {safe_markdown(unit.title.en)}"
        lines.append(text)
    origin = ctx.bank.origins.get(f"item:{item.id}")
    if origin is not None:
        lines.append(f"**文件 file:** `{origin.file}:{origin.line}`")
    return "\n\n".join(lines)


def _export_path(name: str) -> Path:
    """A new file in a fresh private temp folder (made only after the login check)."""
    folder = Path(tempfile.mkdtemp(prefix="assessor-export-"))
    return folder / f"{name}-{datetime.now():%Y%m%d-%H%M%S}"


def call_with_timeout(fn: Callable[[], T], seconds: float | None = None) -> T:
    """Run `fn` (e.g. a model that may still be loading) but give up waiting after `seconds` (default
    MODEL_WAIT_SECONDS) with TimeoutError; the call itself goes on and finishes the loading."""
    future = _pool.submit(fn)
    try:
        return future.result(timeout=MODEL_WAIT_SECONDS if seconds is None else seconds)
    except FutureTimeout as error:
        raise TimeoutError from error


# The centre the current handler call is limited to (None: all centres); set by TrainerPage._guard for the
# duration of one synchronous step, so concurrent trainers in other threads never see each other's scope.
_CENTRE_SCOPE: ContextVar[str | None] = ContextVar("trainer_centre_scope", default=None)

LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW = 300.0  # seconds


class TrainerPage:
    """The trainer tab's components and handlers. Handlers are plain methods (tests call them directly); each
    takes the logged-in name (a `gr.State`) first and returns a tuple whose first value is the notice."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.bank = ctx.bank
        self._failures: dict[str, list[float]] = {}

    # ------------------------------------------------------------ guard

    def authorised(self, user: Any) -> bool:
        """Whether `user` names an existing trainer account (the State holds it only after a good login)."""
        if not isinstance(user, str) or not user:
            return False
        return any(trainer.username == user for trainer in self.store.trainers())

    def scope_of(self, user: Any) -> str | None:
        """The centre a trainer may see: their own, or every centre for an account of the "default" centre."""
        trainer = next((tr for tr in self.store.trainers() if tr.username == user), None)
        if trainer is None or trainer.centre in ("", "default"):
            return None
        return str(trainer.centre)

    def _guard(self, user: Any, n: int, step: Callable[[], Out]) -> Out:
        """Run a step for a logged-in trainer (limited to their centre); otherwise only the login message (and
        `n - 1` empty values)."""
        if not self.authorised(user):
            return (bi("login_needed"),) + (None,) * (n - 1)
        token = _CENTRE_SCOPE.set(self.scope_of(user))
        try:
            result = step()
        except Problem as problem:
            return (str(problem),) + tuple(gr.update() for _ in range(n - 1))
        except Exception:
            log.exception("trainer step failed")
            return (bi("ui_error"),) + tuple(gr.update() for _ in range(n - 1))
        finally:
            _CENTRE_SCOPE.reset(token)
        assert len(result) == n, f"handler returned {len(result)} values, expected {n}"
        return result

    # ------------------------------------------------------------ login

    def on_login(self, username: Any, password: Any) -> Out:
        """Check the account; returns (user state, notice, login box, trainer content, password box).

        After LOGIN_MAX_FAILURES failed attempts for one username within LOGIN_WINDOW seconds, further attempts
        for it are refused (without checking the password) until the window has passed."""
        name, secret = _text(username, 64), "" if password is None else str(password)[:256]
        now = time.monotonic()
        recent = [t for t in self._failures.get(name, []) if now - t < LOGIN_WINDOW]
        if len(recent) >= LOGIN_MAX_FAILURES:
            wait = int(LOGIN_WINDOW - (now - recent[0])) + 1
            return None, bi("login_locked", seconds=wait), gr.update(visible=True), gr.update(visible=False), ""
        if name and secret and self.store.verify_trainer(name, secret):
            self._failures.pop(name, None)
            return (name, bi("tr_logged_in", name=plain(name)), gr.update(visible=False), gr.update(visible=True),
                    "")
        self._failures[name] = [*recent, now]
        return None, bi("login_failed"), gr.update(visible=True), gr.update(visible=False), ""

    def on_logout(self, user: Any) -> Out:
        """Forget the login; returns (user state, notice, login box, trainer content)."""
        return None, bi("tr_logged_out"), gr.update(visible=True), gr.update(visible=False)

    # ------------------------------------------------------------ sessions (6)

    def _rows(self, filters: Sequence[Any]) -> list[tuple[AssessmentSession, Worker]]:
        flt = make_filter(*filters)
        scope = _CENTRE_SCOPE.get()
        if scope is not None:
            flt = replace(flt, centre=scope)
        return self.store.list_sessions(flt)

    def on_sessions(self, user: Any, *filters: Any) -> Out:
        """The sessions for the filters; returns (notice, table, session dropdown)."""

        def step() -> Out:
            rows = self._rows(filters)
            choices = session_choices(rows)
            return (bi("tr_found", n=len(rows)), sessions_frame(rows),
                    gr.update(choices=choices, value=choices[0][1] if choices else None))

        return self._guard(user, 3, step)

    def on_after_login(self, user: Any, *filters: Any) -> Out:
        """After a login attempt: the sessions list, or no change at all when the login failed."""
        if not self.authorised(user):
            return gr.update(), gr.update(), gr.update()
        return self.on_sessions(user, *filters)

    def on_table_select(self, user: Any, event: gr.SelectData) -> Out:
        """A click on a row of the sessions table picks that session; returns (notice, session dropdown)."""

        def step() -> Out:
            row = getattr(event, "row_value", None) or []
            session = self.store.get_session_by_code(str(row[0])) if row else None
            return "", gr.update(value=session.id) if session is not None else gr.update()

        return self._guard(user, 2, step)

    def _session(self, session_id: Any) -> tuple[AssessmentSession, Worker]:
        sid = _text(session_id, 64)
        if not sid:
            raise Problem(bi("tr_no_session"))
        session = self.store.get_session(sid)
        worker = self.store.get_worker(session.worker_id) if session is not None else None
        scope = _CENTRE_SCOPE.get()
        if session is None or worker is None or (scope is not None and session.centre != scope):
            raise Problem(bi("tr_session_missing"))
        return session, worker

    def _header(self, session: AssessmentSession, worker: Worker) -> str:
        role = self.bank.roles.get(session.role)
        role_name = f"{role.name.zh} / {role.name.en}" if role else session.role
        ready = "" if session.ready is None else ("是 yes" if session.ready else "否 no")
        return "\n\n".join([
            f"### {plain(worker.code)}" + (f" · {plain(worker.display_name)}"
                                           if worker.display_name and worker.display_name != worker.code else ""),
            f"**工种 role:** {safe_markdown(role_name)} · **目标 target:** L{session.target_level} · "
            f"**状态 status:** {session.status} · **语言 language:** {session.language}",
            f"**开始 started:** {_when(session.started_at)} UTC · **结束 ended:** {_when(session.ended_at) or '无 none'} · "
            f"**结果码 code:** {session.resume_code} · **题库 bank:** {session.bank_version}",
            f"**达到等级 level reached:** {session.level_reached if session.level_reached is not None else '无 none'}"
            f" · **达标 ready:** {ready or '无 none'} · **中心 centre:** {plain(session.centre)}",
        ])

    def _cut(self, session: AssessmentSession) -> float | None:
        role = self.bank.roles.get(session.role)
        blueprint = role.levels.get(session.target_level) if role else None
        return blueprint.cut_score if blueprint else None

    def on_open(self, user: Any, session_id: Any) -> Out:
        """One session in full; returns (notice, header, transcript, items, path plot, free-text answer dropdown)."""

        def step() -> Out:
            session, worker = self._session(session_id)
            responses = self.store.responses(session.id)
            open_answers = [(f"#{r.seq} {r.item_id}: {_answer_text(r.answer)[:40]}", str(r.seq))
                            for r in responses if r.item_type == "open_scenario"]
            return ("", self._header(session, worker), messages_frame(self.store.messages(session.id)),
                    items_frame(responses), path_plot(self.ctx, responses, self._cut(session)),
                    gr.update(choices=open_answers, value=open_answers[0][1] if open_answers else None))

        return self._guard(user, 6, step)

    def on_second_opinion(self, user: Any, session_id: Any, seq: Any) -> Out:
        """A model's view of one free-text answer, through the gate; trainer-only and never a score.
        Returns (notice, opinion markdown)."""

        def step() -> Out:
            session, _worker = self._session(session_id)
            wanted = _text(seq, 8)
            response = next((r for r in self.store.responses(session.id)
                             if str(r.seq) == wanted and r.item_type == "open_scenario"), None)
            item = self.bank.items.get(response.item_id) if response is not None else None
            if response is None or item is None:
                raise Problem(bi("tr_no_free_text"))
            lang = "zh" if session.language == "zh" else "en"
            try:  # the service may still be loading; the generation itself is bounded by the backend
                service = call_with_timeout(self.ctx.models.lm)
            except TimeoutError as error:
                raise Problem(bi("tr_models_loading")) from error
            decision = service.second_opinion(item, _answer_text(response.answer), lang)
            text = (f"**{bi('tr_opinion')} ({bi('tr_not_a_score')})**\n\n{plain(decision.text_shown)}\n\n"
                    f"_来源 source: {SOURCE_NAMES.get(decision.source, decision.source)} · "
                    f"原因 why: {plain(decision.reason)}_")
            return "", text

        return self._guard(user, 2, step)

    # ------------------------------------------------------------ cohort (7)

    def on_cohort(self, user: Any, *filters: Any) -> Out:
        """Per-domain θ distribution, item statistics and flagged items for the filter.
        Returns (notice, distribution plot, statistics table, flagged table)."""

        def step() -> Out:
            sessions = [s for s, _w in self._rows(filters)]
            responses = self.store.all_responses(session_ids=[s.id for s in sessions])
            stats = item_statistics(responses)
            plot = distribution_plot(self.ctx, domain_distributions([s for s in sessions if s.status == "finished"]))
            notice = bi("tr_cohort_done", sessions=len(sessions), items=len(stats)) if stats else bi("tr_no_data")
            return notice, plot, stats_frame(stats), stats_frame([s for s in stats if s["flags"]])

        return self._guard(user, 4, step)

    # ------------------------------------------------------------ exports (8)

    def on_export_sessions(self, user: Any, *filters: Any) -> Out:
        """Sessions CSV for the filter; returns (notice, file path)."""
        return self._guard(user, 2, lambda: self._export_csv("sessions", filters))

    def _export_csv(self, kind: str, filters: Sequence[Any]) -> Out:
        rows = self._rows(filters)
        if kind == "sessions":
            return self._written_as("sessions", ".csv", sessions_csv(rows))
        responses = self.store.all_responses(session_ids=[s.id for s, _w in rows])
        return self._written_as("responses", ".csv", responses_csv(responses))

    def _written_as(self, stem: str, suffix: str, data: str | bytes) -> Out:
        path = _export_path(stem).with_suffix(suffix)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8-sig" if suffix == ".csv" else "utf-8")
        return bi("tr_export_ready", name=path.name), str(path)

    def on_export_responses(self, user: Any, *filters: Any) -> Out:
        """Responses CSV for the filter; returns (notice, file path)."""
        return self._guard(user, 2, lambda: self._export_csv("responses", filters))

    def on_export_transcript(self, user: Any, session_id: Any) -> Out:
        """The selected session's transcript as PDF; returns (notice, file path)."""

        def step() -> Out:
            session, worker = self._session(session_id)
            data = transcript_pdf(session, worker, self.store.responses(session.id), self.store.messages(session.id))
            return self._written_as(f"transcript-{session.resume_code}", ".pdf", data)

        return self._guard(user, 2, step)

    def on_export_xapi(self, user: Any, *filters: Any) -> Out:
        """xAPI statements (one JSON list) for every session in the filter; returns (notice, file path)."""

        def step() -> Out:
            statements: list[dict[str, Any]] = []
            for session, worker in self._rows(filters):
                statements += xapi_statements(session, worker, self.store.responses(session.id), self.bank)
            return self._written_as("xapi", ".json", json.dumps(statements, ensure_ascii=False, indent=1))

        return self._guard(user, 2, step)

    # ------------------------------------------------------------ bank (9)

    def on_bank_check(self, user: Any) -> Out:
        """Validate the bank folder and count it; returns (notice, problems table, stats JSON)."""

        def step() -> Out:
            _bank, problems = check_bank(self.bank.root)
            table = pd.DataFrame([[p.file, p.line, p.field, p.message] for p in problems], columns=PROBLEM_COLUMNS)
            notice = bi("tr_bank_problems", n=len(problems)) if problems else bi("tr_bank_ok", n=len(self.bank.items))
            if self.ctx.models.error:
                notice += "\n\n" + bi("tr_models_error", error=plain(self.ctx.models.error))
            return notice, table, bank_stats(self.bank)

        return self._guard(user, 3, step)

    def on_bank_search(self, user: Any, query: Any, kinds: Any) -> Out:
        """Semantic search over the bank's passages; returns (notice, hits table)."""

        def step() -> Out:
            text = _text(query)
            if not text:
                raise Problem(bi("tr_empty_query"))
            chosen = [k for k in (kinds or []) if k in SEARCH_KINDS] or list(SEARCH_KINDS)
            try:
                index = call_with_timeout(self.ctx.models.index)
            except TimeoutError as error:
                raise Problem(bi("tr_models_loading")) from error
            hits = index.search(text, k=10, kinds=chosen)
            body = [[round(h.score, 3), h.entry.kind, h.entry.ref, h.entry.lang, h.entry.text[:200]] for h in hits]
            return "", pd.DataFrame(body, columns=HIT_COLUMNS)

        return self._guard(user, 2, step)

    def on_hit_select(self, user: Any, event: gr.SelectData) -> Out:
        """A click on a search hit that is an item picks it for the preview; returns (notice, item dropdown)."""

        def step() -> Out:
            row = getattr(event, "row_value", None) or []
            ref = str(row[2]) if len(row) > 2 else ""
            return "", gr.update(value=ref) if ref in self.bank.items else gr.update()

        return self._guard(user, 2, step)

    def on_preview(self, user: Any, item_id: Any) -> Out:
        """One item in both languages with its parameters; returns (notice, zh markdown, en markdown, meta)."""

        def step() -> Out:
            wanted = _text(item_id, 32)
            item = self.bank.items.get(wanted)
            if item is None:
                raise Problem(bi("tr_unknown_item", id=plain(wanted)))
            return "", item_preview(self.ctx, item, "zh"), item_preview(self.ctx, item, "en"), item_meta(self.ctx, item)

        return self._guard(user, 4, step)

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        """Create the components (inside a gr.Tab) and wire the events."""
        self.user = gr.State(None)
        gr.Markdown(f"## {bi('tr_title')}")
        self.notice = gr.Markdown("", elem_id="trainer-notice")
        with gr.Column(visible=True, elem_id="trainer-login") as self.login_box:
            with gr.Row():
                self.username = gr.Textbox(label=bi("username"), max_lines=1, elem_id="trainer-username")
                self.password = gr.Textbox(label=bi("password"), type="password", max_lines=1,
                                           elem_id="trainer-password")
            self.login_btn = gr.Button(bi("login"), variant="primary", elem_id="trainer-login-btn")
        with gr.Column(visible=False, elem_id="trainer-content") as self.content:
            self.logout_btn = gr.Button(bi("logout"), size="sm", elem_id="trainer-logout-btn")
            self._build_filters()
            with gr.Tabs():
                with gr.Tab(bi("tab_sessions"), elem_id="trainer-sessions"):
                    self._build_sessions()
                with gr.Tab(bi("tab_cohort"), elem_id="trainer-cohort"):
                    self._build_cohort()
                with gr.Tab(bi("tab_exports"), elem_id="trainer-exports"):
                    self._build_exports()
                with gr.Tab(bi("tab_bank"), elem_id="trainer-bank"):
                    self._build_bank()
        self._wire()

    def _build_filters(self) -> None:
        any_ = bi("tr_any")
        roles = [(any_, "")] + [(f"{r.name.zh} / {r.name.en}", r.id) for r in self.bank.roles.values()]
        with gr.Accordion(bi("tr_filters"), open=True):
            with gr.Row():
                self.f_centre = gr.Textbox(label=bi("tr_centre"), max_lines=1)
                self.f_role = gr.Dropdown(roles, value="", label=bi("tr_role"))
                self.f_worker = gr.Textbox(label=bi("tr_worker"), max_lines=1)
                self.f_level = gr.Dropdown([(any_, "")] + [(f"L{lv}", str(lv)) for lv in sorted(LEVELS)], value="",
                                           label=bi("tr_level"))
            with gr.Row():
                self.f_from = gr.Textbox(label=bi("tr_date_from"), max_lines=1, placeholder="2026-01-31")
                self.f_to = gr.Textbox(label=bi("tr_date_to"), max_lines=1, placeholder="2026-12-31")
                self.f_status = gr.Dropdown([(any_, ""), (bi("tr_active"), "active"), (bi("tr_finished"), "finished")],
                                            value="", label=bi("tr_status"))
                self.f_search = gr.Textbox(label=bi("tr_search"), max_lines=1, elem_id="trainer-search")
            self.apply_btn = gr.Button(bi("tr_apply"), variant="primary", elem_id="trainer-apply")
        self.filters = [self.f_centre, self.f_role, self.f_worker, self.f_from, self.f_to, self.f_level, self.f_status,
                        self.f_search]

    def _build_sessions(self) -> None:
        self.sessions_table = gr.Dataframe(headers=SESSION_COLUMNS, label=bi("tr_sessions_table"), interactive=False,
                                           wrap=True, max_height=360, elem_id="trainer-sessions-table")
        with gr.Row():
            self.session_pick = gr.Dropdown([], label=bi("tr_pick_session"), elem_id="trainer-session-pick", scale=4)
            self.open_btn = gr.Button(bi("tr_open"), elem_id="trainer-open", scale=1)
        self.header = gr.Markdown("", elem_id="trainer-session-header")
        self.messages_table = gr.Dataframe(headers=MESSAGE_COLUMNS, label=bi("tr_transcript"), interactive=False,
                                           wrap=True, max_height=520, elem_id="trainer-transcript",
                                           column_widths=["5%", "8%", "10%", "9%", "9%", "14%", "45%"])
        self.items_table = gr.Dataframe(headers=ITEM_COLUMNS, label=bi("tr_items"), interactive=False, wrap=True,
                                        max_height=420, elem_id="trainer-items")
        self.path = gr.Plot(label=bi("tr_path"), elem_id="trainer-path")
        with gr.Accordion(bi("tr_opinion") + " · " + bi("tr_not_a_score"), open=False):
            with gr.Row():
                self.opinion_pick = gr.Dropdown([], label=bi("tr_opinion_pick"), scale=4)
                self.opinion_btn = gr.Button(bi("tr_opinion_button"), scale=1)
            self.opinion = gr.Markdown("")

    def _build_cohort(self) -> None:
        self.cohort_btn = gr.Button(bi("tr_compute"), variant="primary", elem_id="trainer-cohort-btn")
        self.dist = gr.Plot(label=bi("tr_distribution"))
        self.stats_table = gr.Dataframe(headers=STAT_COLUMNS, label=bi("tr_item_stats"), interactive=False,
                                        max_height=420)
        self.flagged_table = gr.Dataframe(headers=STAT_COLUMNS, label=bi("tr_flagged"), interactive=False,
                                          max_height=320)

    def _build_exports(self) -> None:
        gr.Markdown(bi("tr_exports_help"))
        with gr.Row():
            self.x_sessions = gr.Button(bi("tr_export_sessions"))
            self.x_responses = gr.Button(bi("tr_export_responses"))
            self.x_transcript = gr.Button(bi("tr_export_transcript"))
            self.x_xapi = gr.Button(bi("tr_export_xapi"))
        self.export_file = gr.File(label=bi("tr_download"), interactive=False, elem_id="trainer-export-file")

    def _build_bank(self) -> None:
        self.check_btn = gr.Button(bi("tr_bank_check"), variant="primary")
        self.problems_table = gr.Dataframe(headers=PROBLEM_COLUMNS, interactive=False, wrap=True, max_height=320)
        self.stats_json = gr.JSON(label=bi("tr_bank_stats"))
        with gr.Row():
            self.query = gr.Textbox(label=bi("tr_bank_search"), max_lines=1, scale=3)
            self.kinds = gr.CheckboxGroup(list(SEARCH_KINDS), value=["stem", "explanation"], label=bi("tr_bank_kinds"),
                                          scale=2)
            self.search_btn = gr.Button(bi("tr_bank_search"), scale=1)
        self.hits_table = gr.Dataframe(headers=HIT_COLUMNS, label=bi("tr_hits"), interactive=False, wrap=True)
        with gr.Row():
            self.item_pick = gr.Dropdown(sorted(self.bank.items), label=bi("tr_item_id"), filterable=True, scale=4)
            self.preview_btn = gr.Button(bi("tr_preview"), scale=1)
        with gr.Row():
            self.preview_zh = gr.Markdown("")
            self.preview_en = gr.Markdown("")
        self.preview_meta = gr.Markdown("")

    def _data_outputs(self) -> list[Any]:
        """Every component that shows data (cleared on logout)."""
        return [self.sessions_table, self.session_pick, self.header, self.messages_table, self.items_table, self.path,
                self.opinion_pick, self.opinion, self.dist, self.stats_table, self.flagged_table, self.export_file,
                self.problems_table, self.stats_json, self.hits_table, self.preview_zh, self.preview_en,
                self.preview_meta]

    def on_logout_clear(self, user: Any) -> Out:
        """Logout plus every data component emptied."""
        return self.on_logout(user) + (None,) * len(self._data_outputs())

    def _wire(self) -> None:
        hidden: dict[str, Any] = {"api_visibility": "private"}
        n, u, f = self.notice, self.user, self.filters
        login_out = [u, n, self.login_box, self.content, self.password]
        sessions_out = [n, self.sessions_table, self.session_pick]
        open_out = [n, self.header, self.messages_table, self.items_table, self.path, self.opinion_pick]
        for trigger, api in ((self.login_btn.click, {"api_name": "trainer_login"}), (self.password.submit, hidden)):
            trigger(self.on_login, [self.username, self.password], login_out, **api).then(
                self.on_after_login, [u, *f], sessions_out, **hidden)
        self.logout_btn.click(self.on_logout_clear, [u], [u, n, self.login_box, self.content, *self._data_outputs()],
                              **hidden)
        self.apply_btn.click(self.on_sessions, [u, *f], sessions_out, api_name="trainer_sessions")
        self.f_search.submit(self.on_sessions, [u, *f], sessions_out, **hidden)
        self.sessions_table.select(self.on_table_select, [u], [n, self.session_pick], **hidden).then(
            self.on_open, [u, self.session_pick], open_out, **hidden)
        self.open_btn.click(self.on_open, [u, self.session_pick], open_out, api_name="trainer_open")
        self.session_pick.input(self.on_open, [u, self.session_pick], open_out, **hidden)
        self.opinion_btn.click(self.on_second_opinion, [u, self.session_pick, self.opinion_pick], [n, self.opinion],
                               api_name="trainer_second_opinion")
        self.cohort_btn.click(self.on_cohort, [u, *f], [n, self.dist, self.stats_table, self.flagged_table],
                              api_name="trainer_cohort")
        out_file = [n, self.export_file]
        self.x_sessions.click(self.on_export_sessions, [u, *f], out_file, api_name="trainer_export_sessions")
        self.x_responses.click(self.on_export_responses, [u, *f], out_file, api_name="trainer_export_responses")
        self.x_transcript.click(self.on_export_transcript, [u, self.session_pick], out_file,
                                api_name="trainer_export_transcript")
        self.x_xapi.click(self.on_export_xapi, [u, *f], out_file, api_name="trainer_export_xapi")
        self.check_btn.click(self.on_bank_check, [u], [n, self.problems_table, self.stats_json],
                             api_name="trainer_bank_check")
        self.search_btn.click(self.on_bank_search, [u, self.query, self.kinds], [n, self.hits_table],
                              api_name="trainer_bank_search")
        self.query.submit(self.on_bank_search, [u, self.query, self.kinds], [n, self.hits_table], **hidden)
        preview_out = [n, self.preview_zh, self.preview_en, self.preview_meta]
        self.hits_table.select(self.on_hit_select, [u], [n, self.item_pick], **hidden).then(
            self.on_preview, [u, self.item_pick], preview_out, **hidden)
        self.preview_btn.click(self.on_preview, [u, self.item_pick], preview_out, api_name="trainer_preview")
        self.item_pick.input(self.on_preview, [u, self.item_pick], preview_out, **hidden)


def build_trainer_tab(ctx: AppContext) -> None:
    """Add the trainer tab to the app being built (called by `assessor.ui.app.build_app` inside its gr.Tabs)."""
    page = TrainerPage(ctx)
    with gr.Tab(bi("tab_trainer"), id="trainer", elem_id="tab-trainer"):
        page.build()
