"""The trainer's certificate and data-rights handlers: issue or revoke a certificate, export or delete a worker."""

from __future__ import annotations

from typing import Any

from assessor.i18n import bi
from assessor.ui.trainer.auth import Scope
from assessor.ui.trainer.guard import TrainerBase, Updates
from assessor.ui.trainer.rights import (
    delete_one_worker,
    export_one_worker,
    issue_certificate,
    revoke_certificate,
)


class RightsHandlers(TrainerBase):
    """Rights tab and the open session's certificate; the work itself is in `rights.py`."""

    def on_certificate_issue(self, user: Any, opened: Any) -> Updates:
        """A certificate for the open session (the `opened` state), signed with the centre key; PDF and JSON."""

        def step(scope: Scope) -> Updates:
            session, _worker = self._session(scope, opened)
            cert_id, files = issue_certificate(self.store, self.ctx.settings.data_dir, self.ctx.export_dir, scope,
                                               session.id, self.bank)
            return {self.notice: bi("tr_cert_issued", id=cert_id), self.cert_files: files, self.cert_id: cert_id}

        return self._guard(user, step)

    def on_certificate_revoke(self, user: Any, certificate_id: Any, reason: Any) -> Updates:
        """Revoke a certificate of the trainer's centre (who, when, why are stored)."""
        return self._guard(user, lambda scope: {
            self.notice: bi("tr_cert_revoked", id=revoke_certificate(self.store, scope, certificate_id, reason))})

    def on_worker_export(self, user: Any, code: Any) -> Updates:
        """One worker's data (sessions, answers, messages) as a JSON file; logged with who and when."""

        def step(scope: Scope) -> Updates:
            path, n = export_one_worker(self.store, self.ctx.export_dir, scope, code)
            return {self.notice: bi("tr_privacy_exported", n=n), self.privacy_file: str(path)}

        return self._guard(user, step)

    def on_worker_delete(self, user: Any, code: Any, confirmed: Any) -> Updates:
        """Delete a worker and all their data, only when the confirmation is ticked; logged with who and when."""

        def step(scope: Scope) -> Updates:
            counts = delete_one_worker(self.store, scope, code, confirmed)
            return {self.notice: bi("tr_privacy_deleted", **counts), self.privacy_confirm: False,
                    self.privacy_file: None}

        return self._guard(user, step)

