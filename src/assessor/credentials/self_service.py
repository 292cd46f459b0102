"""A worker downloads the certificate of her own finished check from the result page.

Rules (each refusal is a `SelfServiceRefused` whose `key` names a bilingual message in `REFUSALS`):
- the session must be finished;
- a session whose certificate a trainer revoked gets no new one from the worker's side;
- a session flagged "results may be unreliable", or with free-text answers still waiting for a trainer's review,
  is certified by a trainer only (the Trainer tab), not by the worker herself;
- otherwise the session's certificate is issued once (actor "worker <code>", logged like a trainer's issue) and
  made again under the same number on every later download (`registry.issue(..., reuse=True)`).
The centre must have its key (`assessor centre init`); without one the worker is told to ask the centre.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assessor.credentials import registry
from assessor.credentials.claim import CredentialError
from assessor.report.findings import aberrance_reasons
from assessor.store import Store

REFUSALS: dict[str, dict[str, str]] = {
    "not_finished": {"zh": "测试做完以后才能下载证书。", "en": "You can download a certificate once the check is finished."},
    "revoked": {"zh": "这份结果的证书已经被培训中心收回了，请问培训老师。",
                "en": "The centre has withdrawn the certificate for this result. Please ask your trainer."},
    "unreliable": {"zh": "这次结果需要培训老师先看一看，再由老师给您发证书。",
                   "en": "A trainer needs to look at this result first; the trainer will give you the certificate."},
    "reviews_pending": {"zh": "还有答案在等培训老师打分，打完分以后才能下载证书。",
                        "en": "Some answers are still waiting for a trainer's marks. You can download the certificate "
                              "after that."},
    "no_centre_key": {"zh": "本中心还没有设置好证书，请问培训老师。",
                      "en": "This centre has not set up certificates yet. Please ask your trainer."},
    "failed": {"zh": "证书暂时做不出来，请问培训老师。", "en": "The certificate could not be made just now. Please ask your trainer."},
}


class SelfServiceRefused(Exception):
    """The worker cannot download a certificate for this session; `key` names the message in `REFUSALS`."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key

    def message(self, lang: str) -> str:
        return REFUSALS[self.key]["zh" if lang == "zh" else "en"]


def worker_certificate(store: Store, data_dir: Path, session_id: str, folder: Path, bank: Any = None) -> Path:
    """The PDF certificate of the worker's finished session `session_id`, written into `folder` (with its Open
    Badges JSON beside it); raises `SelfServiceRefused` when the rules above refuse it."""
    session = store.get_session(session_id)
    if session is None or session.status != "finished":
        raise SelfServiceRefused("not_finished")
    issued_before = registry.certificates(store, session.id)
    if issued_before and all(c.revoked_at is not None for c in issued_before):
        raise SelfServiceRefused("revoked")
    if aberrance_reasons(session) is not None:  # flagged "results may be unreliable" (the trainer's flag)
        raise SelfServiceRefused("unreliable")
    if store.waiting_reviews(session.id):
        raise SelfServiceRefused("reviews_pending")
    worker = store.get_worker(session.worker_id)
    code = worker.code if worker is not None else "?"
    try:
        registry.centre_key(data_dir)
    except CredentialError as error:
        raise SelfServiceRefused("no_centre_key", str(error)) from error
    try:
        issued = registry.issue(store, data_dir, session.id, actor=f"worker {code}"[:64], bank=bank, reuse=True)
        folder.mkdir(parents=True, exist_ok=True)
        pdf, _document = registry.write_certificate(issued, folder)
    except (CredentialError, ValueError) as error:
        raise SelfServiceRefused("failed", str(error)) from error
    return pdf
