"""Workers' personal information (PIPL): the consent notice, one worker's export and deletion, retention purge,
and the data-rights log (who did what, when).

- `consent_notice(lang)`: what is kept, why, for how long, who sees it; the worker accepts it before the first
  question (the front end shows it and calls `Store.record_consent`).
- `export_worker`: every session, answer, message, review and certificate of one worker, as JSON.
- `delete_worker`: removes the worker and all their sessions, answers, messages and reviews; certificate rows
  stay (without the session) so a revocation still works.
- `purge`: sessions that ended (or started) before the cut-off are anonymised: messages deleted, free-text
  answers, recordings, grading details (which may quote the worker) and review notes emptied, dates kept to the month, the session re-keyed under a new id
  and moved to the centre's anonymous worker; the answers' items, scores and parameters stay, so item statistics
  and calibration still work. Workers left with no session are deleted, as are workers registered before the
  cut-off who never started one.
Every export, deletion and purge is written to `data_rights_log` with who and when.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from assessor.store import Store
from assessor.store.repository import new_resume_code
from assessor.store.tables import (
    AssessmentSession,
    Certificate,
    DataRightsEntry,
    GradingReview,
    Message,
    Response,
    Worker,
    utcnow,
)

log = logging.getLogger(__name__)
DEFAULT_RETENTION_MONTHS = 24
ANONYMOUS_CODE = "__anonymised__"
NOTICE_VERSION = "2026-12-1"

CONSENT_NOTICE: dict[str, str] = {
    "zh": (
        "开始前请看一下：我们会保存哪些信息\n"
        "• 保存什么：您填的名字或工号、您选的工种和等级、您的每个回答（打字或录音）、聊天记录、测评结果和时间。\n"
        "• 为什么：给您的回答打分，告诉您结果和该上哪些课；培训老师会检查打分对不对；"
        "去掉名字以后的回答用来改进题目。\n"
        "• 保存多久：{months}个月。到期后删除您的名字、聊天记录、打字和录音的回答，只留下不带名字的答题对错，"
        "用来统计题目难不难。\n"
        "• 谁能看到：您自己，和本培训中心的培训老师。如果本中心参加联盟学分银行，结果会同步到联盟的服务器。"
        "证书只在您需要时开，上面有您的名字、工种、等级、各方面结果、日期和培训中心。\n"
        "• 您的权利：您可以随时请培训老师把您的全部信息导出给您，或者全部删除。\n"
        "点“同意并开始测试”表示您同意以上内容。不同意也没关系，可以不参加。"
    ),
    "en": (
        "Before you start: what we keep about you\n"
        "• What: the name or worker code you type, the kind of work and level you choose, every answer you give "
        "(typed or spoken), the chat, your results and the times.\n"
        "• Why: to score your answers, show your result and the courses that help; trainers check the scoring; "
        "answers without your name help us improve the questions.\n"
        "• How long: {months} months. Then your name, the chat and your typed and spoken answers are deleted; only "
        "right/wrong marks without your name stay, to see how hard each question is.\n"
        "• Who sees it: you, and the trainers of this training centre. If this centre is part of the alliance's "
        "credit bank, results are also sent to the alliance's server. A certificate is made only when you ask for "
        "one; it shows your name, kind of work, level, result in each area, the date and the centre.\n"
        "• Your rights: at any time a trainer can give you a copy of all your data, or delete all of it.\n"
        "Pressing \"Start: I agree\" means you agree. If you do not agree, you do not have to take part."
    ),
}
CONSENT_BUTTON = {"zh": "同意并开始测试", "en": "Start: I agree"}  # the intake's start button (i18n "start")


def consent_notice(lang: str, months: int = DEFAULT_RETENTION_MONTHS) -> str:
    """The consent notice in `lang` ('zh' or 'en'; anything else gives Chinese) for a retention of `months`."""
    return CONSENT_NOTICE.get(lang, CONSENT_NOTICE["zh"]).format(months=months)


def consent_markdown(lang: str) -> str:
    """The consent notice as the intake shows it (small print above the start button, which accepts it), with the
    configured retention; text only, nothing a worker typed."""
    from assessor.settings import get_settings

    text = consent_notice(lang, get_settings().retention_months)
    head, _, rest = text.partition("\n")
    return f"**{head}**\n\n" + rest.replace("\n", "\n\n")


def record_action(store: Store, *, actor: str, action: str, subject: str = "",
                  detail: dict[str, Any] | None = None) -> None:
    """Write one line of the data-rights log: who (`actor`), what (`action`), about whom (a worker id), when."""
    if not actor or not actor.strip():
        raise ValueError("the data-rights log needs who did it (a trainer's name)")
    with store.db() as db, db.begin():
        db.add(DataRightsEntry(at=utcnow(), actor=actor.strip()[:64], action=action[:32], subject=subject[:64],
                               detail=detail or {}))


def data_rights_log(store: Store, subject: str | None = None) -> list[DataRightsEntry]:
    """The log, oldest first (about one worker id when given)."""
    query = select(DataRightsEntry).order_by(DataRightsEntry.at, DataRightsEntry.id)
    if subject is not None:
        query = query.where(DataRightsEntry.subject == subject)
    with store.db() as db:
        return list(db.scalars(query))


def find_worker(store: Store, ref: str, centre: str | None = None) -> Worker:
    """The worker by id, or by code (in `centre` when given); ValueError naming the problem."""
    ref = (ref or "").strip()
    if not ref:
        raise ValueError("name a worker: their code or id")
    with store.db() as db:
        worker = db.get(Worker, ref)
        if worker is not None and (centre is None or worker.centre == centre):
            return worker
        query = select(Worker).where(Worker.code == ref)
        if centre is not None:
            query = query.where(Worker.centre == centre)
        found = list(db.scalars(query))
    if not found:
        raise ValueError(f"no worker with code or id {ref!r}" + (f" in centre {centre}" if centre else ""))
    if len(found) > 1:
        raise ValueError(f"worker code {ref!r} exists in centres {', '.join(w.centre for w in found)}: "
                         "name the centre (--centre)")
    return found[0]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {}
    for column in obj.__table__.columns:
        value = getattr(obj, column.key)
        out[column.key] = _iso(value) if isinstance(value, datetime) else value
    return {k: v for k, v in out.items() if k not in skip}


def worker_data(store: Store, worker: Worker, *, actor: str) -> dict[str, Any]:
    """Everything stored about `worker`: the worker, each session with its answers, reviews and messages, and
    the certificates issued for those sessions."""
    with store.db() as db:
        sessions = list(db.scalars(select(AssessmentSession).where(AssessmentSession.worker_id == worker.id)
                                   .order_by(AssessmentSession.started_at, AssessmentSession.id)))
        out_sessions = []
        for s in sessions:
            responses = list(db.scalars(select(Response).where(Response.session_id == s.id).order_by(Response.seq)))
            reviews = list(db.scalars(select(GradingReview).where(
                GradingReview.response_id.in_([r.id for r in responses])).order_by(GradingReview.id))) if responses else []
            messages = list(db.scalars(select(Message).where(Message.session_id == s.id).order_by(Message.seq)))
            certs = list(db.scalars(select(Certificate).where(Certificate.session_id == s.id)))
            out_sessions.append({**_row(s), "responses": [_row(r) for r in responses],
                                 "reviews": [_row(r) for r in reviews], "messages": [_row(m) for m in messages],
                                 "certificates": [_row(c) for c in certs]})
    return {"type": "AssessorWorkerExport", "exported_at": utcnow().isoformat(), "exported_by": actor.strip(),
            "notice_version": NOTICE_VERSION, "worker": _row(worker), "sessions": out_sessions}


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to `path` through a temporary file and a rename (owner-only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_worker(store: Store, ref: str, out: Path, *, actor: str, centre: str | None = None) -> dict[str, Any]:
    """Write one worker's data to `out` (JSON, readable by the owner only) and log it; returns the data."""
    if not actor.strip():
        raise ValueError("an export needs who made it (--by NAME)")
    worker = find_worker(store, ref, centre)
    data = worker_data(store, worker, actor=actor)
    write_atomic(out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    record_action(store, actor=actor, action="worker_export", subject=worker.id,
                  detail={"sessions": len(data["sessions"])})
    return data


def _remove_audio(paths: list[str | None]) -> None:
    """Delete the recordings' files; one that cannot be deleted is logged and does not stop the rest."""
    for path in paths:
        if path:
            try:
                Path(path).unlink(missing_ok=True)
            except OSError as error:
                log.warning("could not delete recording %s: %s", path, error)


def _delete_sessions(db: Session, session_ids: list[str]) -> dict[str, int]:
    """Delete sessions with everything under them (certificate rows lose the session only); counts."""
    if not session_ids:
        return {"sessions": 0, "responses": 0, "messages": 0}
    response_ids = list(db.scalars(select(Response.id).where(Response.session_id.in_(session_ids))))
    audio = list(db.scalars(select(Response.audio_path).where(Response.session_id.in_(session_ids))))
    if response_ids:
        db.execute(delete(GradingReview).where(GradingReview.response_id.in_(response_ids)))
    messages = db.execute(delete(Message).where(Message.session_id.in_(session_ids))).rowcount  # type: ignore[attr-defined]
    db.execute(delete(Response).where(Response.session_id.in_(session_ids)))
    db.execute(update(Certificate).where(Certificate.session_id.in_(session_ids)).values(session_id=None))
    db.execute(delete(AssessmentSession).where(AssessmentSession.id.in_(session_ids)))
    _remove_audio(audio)
    return {"sessions": len(session_ids), "responses": len(response_ids), "messages": int(messages or 0)}


def delete_worker(store: Store, ref: str, *, actor: str, centre: str | None = None) -> dict[str, int]:
    """Delete the worker and all their sessions, answers, reviews and messages (one transaction); log it."""
    if not actor.strip():
        raise ValueError("a deletion needs who made it (--by NAME)")
    worker = find_worker(store, ref, centre)
    with store.db() as db, db.begin():
        ids = list(db.scalars(select(AssessmentSession.id).where(AssessmentSession.worker_id == worker.id)))
        counts = _delete_sessions(db, ids)
        db.execute(delete(Worker).where(Worker.id == worker.id))
    record_action(store, actor=actor, action="worker_delete", subject=worker.id, detail=counts)
    return counts


_AGE = re.compile(r"^\s*(\d+)\s*([my]?)\s*$", re.IGNORECASE)


def parse_age(text: str) -> int:
    """Months in '24m', '24' or '2y'; ValueError with the accepted forms otherwise."""
    found = _AGE.match(text or "")
    if not found or int(found.group(1)) < 1:
        raise ValueError(f"--older-than {text!r}: give months like 24m (or years like 2y), at least 1")
    return int(found.group(1)) * (12 if found.group(2).lower() == "y" else 1)


def months_before(when: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the day clipped to the month's end)."""
    index = when.year * 12 + when.month - 1 - months
    year, month = divmod(index, 12)
    day = when.day
    while True:
        try:
            return when.replace(year=year, month=month + 1, day=day)
        except ValueError:
            day -= 1


@dataclass
class PurgeReport:
    """What a purge did (or, with dry_run, would do)."""

    cutoff: datetime
    dry_run: bool
    sessions: int = 0
    responses_kept: int = 0
    messages_deleted: int = 0
    workers_deleted: int = 0
    session_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff.isoformat(), "dry_run": self.dry_run, "sessions": self.sessions,
                "responses_kept": self.responses_kept, "messages_deleted": self.messages_deleted,
                "workers_deleted": self.workers_deleted}


def _anonymous_worker(db: Session, centre: str) -> str:
    worker_id = uuid.uuid5(uuid.NAMESPACE_URL, f"assessor:anonymous:{centre}").hex
    if db.get(Worker, worker_id) is None:
        db.add(Worker(id=worker_id, code=ANONYMOUS_CODE, centre=centre, display_name="", language="zh",
                      created_at=datetime(2000, 1, 1)))
        db.flush()
    return worker_id


def _month(value: datetime | None) -> datetime | None:
    return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0) if value else None


def _anonymise(db: Session, s: AssessmentSession) -> tuple[int, int]:
    """Re-key session `s` under the anonymous worker without personal data; (responses kept, messages deleted)."""
    new_id = uuid.uuid4().hex
    kept = (s.results or {}).get("results")
    db.add(AssessmentSession(
        id=new_id, resume_code=new_resume_code(16), worker_id=_anonymous_worker(db, s.centre), centre=s.centre,
        role=s.role, target_level=s.target_level, language=s.language, status="purged",
        started_at=_month(s.started_at), ended_at=_month(s.ended_at), bank_version=s.bank_version,
        engine_settings=s.engine_settings or {}, state={}, results={"results": kept} if kept else None,
        level_reached=s.level_reached, ready=s.ready, version=s.version, kind=s.kind))
    db.flush()
    responses = list(db.scalars(select(Response).where(Response.session_id == s.id)))
    audio = [r.audio_path for r in responses]
    for r in responses:
        r.session_id = new_id
        r.created_at = _month(r.created_at) or r.created_at
        r.audio_path = None
        r.grading = None  # may quote the worker's words (free text, a spoken answer's transcript)
        if r.item_type == "open_scenario":  # the worker's own words; a choice answer is only option ids
            r.answer = ""
    if responses:
        db.execute(update(GradingReview).where(GradingReview.response_id.in_([r.id for r in responses]))
                   .values(note=""))
    messages = db.execute(delete(Message).where(Message.session_id == s.id)).rowcount  # type: ignore[attr-defined]
    db.execute(update(Certificate).where(Certificate.session_id == s.id).values(session_id=None))
    db.flush()
    db.execute(delete(AssessmentSession).where(AssessmentSession.id == s.id))
    _remove_audio(audio)
    return len(responses), int(messages or 0)


def purge(store: Store, *, months: int, actor: str, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Anonymise sessions that ended (or, unfinished, started) more than `months` ago; see the module docstring.

    With `dry_run` only counts; nothing changes and nothing is logged.
    """
    if months < 1:
        raise ValueError(f"the retention must be at least 1 month, not {months}")
    if not actor.strip():
        raise ValueError("a purge needs who ran it (--by NAME)")
    cutoff = months_before(now or utcnow(), months)
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    when = func.coalesce(AssessmentSession.ended_at, AssessmentSession.started_at)
    with store.db() as db, db.begin():
        old = list(db.scalars(select(AssessmentSession).where(when < cutoff, AssessmentSession.status != "purged")
                              .order_by(AssessmentSession.started_at)))
        report.sessions, report.session_ids = len(old), [s.id for s in old]
        touched = {s.worker_id for s in old}
        touched.update(db.scalars(select(Worker.id).where(  # registered long ago, never started a session
            Worker.created_at < cutoff, Worker.code != ANONYMOUS_CODE,
            ~exists().where(AssessmentSession.worker_id == Worker.id))))
        if dry_run:
            ids = report.session_ids
            report.responses_kept = int(db.scalar(select(func.count(Response.id)).where(
                Response.session_id.in_(ids))) or 0) if ids else 0
            report.messages_deleted = int(db.scalar(select(func.count(Message.id)).where(
                Message.session_id.in_(ids))) or 0) if ids else 0
            report.workers_deleted = sum(
                1 for w in touched
                if not db.scalar(select(func.count(AssessmentSession.id)).where(
                    AssessmentSession.worker_id == w, AssessmentSession.id.not_in(ids))))
            return report  # nothing was written
        for s in old:
            kept, deleted = _anonymise(db, s)
            report.responses_kept += kept
            report.messages_deleted += deleted
        for worker_id in touched:
            left = db.scalar(select(func.count(AssessmentSession.id)).where(AssessmentSession.worker_id == worker_id))
            if not left:
                db.execute(delete(Worker).where(Worker.id == worker_id))
                report.workers_deleted += 1
    record_action(store, actor=actor, action="purge", detail=report.as_dict())
    return report
