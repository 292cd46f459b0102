"""The worker's own certificate on the result page: a 领取我的证书 / Get my certificate button, the PDF to
download once it is made, and the plain reason when it cannot be (`credentials.self_service` decides).

A mixin of the worker layout and page, like `voice.py`: components, the render's part, the handler.
The certificate is made on the tap, never on every render (issuing writes a row); the page remembers the PDF
per session so it stays on the result page after other taps (错题本, a language change).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assessor.credentials.self_service import SelfServiceRefused, worker_certificate
from assessor.ui.context import AppContext
from assessor.ui.worker.model import Tab, Updates

log = logging.getLogger(__name__)

WORDS: dict[str, dict[str, str]] = {
    "button": {"zh": "领取我的证书", "en": "Get my certificate"},
    "file": {"zh": "我的证书做好了：点文件名下载（PDF，可扫码查真伪）",
             "en": "Your certificate is ready: tap its name to download it (PDF; its QR code can be checked)"},
}


def word(key: str, lang: str) -> str:
    return WORDS[key]["zh" if lang == "zh" else "en"]


class CertificateParts:
    """Components, render part and handler of the worker's certificate download."""

    ctx: AppContext
    notices: dict[str, Any]
    _render: Callable[..., Updates]  # the page's render (WorkerPage's method)

    def build_certificate(self, lang: str) -> None:
        """Create the button, its notice and the file (call inside the result column)."""
        self.cert_btn = gr.Button(word("button", lang), elem_id="cert-btn", elem_classes=["big-btn"])
        self._notice("cert")  # type: ignore[attr-defined]
        self.cert_file = gr.File(label=word("file", lang), visible=False, interactive=False, elem_id="cert-file")
        self.cert_paths: dict[str, str] = {}
        self._cert_lock = threading.Lock()

    @property
    def cert_outputs(self) -> list[Any]:
        return [self.cert_btn, self.cert_file]

    def certificate_view(self, tab: Tab, *, relabel: bool) -> Updates:
        """The render's part: the button on the result page of an assessment (not a practice round), and the PDF
        once made for this session; a language change relabels."""
        lang = tab.lang
        on_result = tab.view == "result" and tab.session_id is not None
        path = self.cert_paths.get(tab.session_id or "") if on_result else None
        u: Updates = {self.cert_btn: gr.update(visible=on_result, value=word("button", lang)) if relabel
                      else gr.update(visible=on_result)}
        u[self.cert_file] = gr.update(value=path, visible=path is not None, label=word("file", lang))
        return u

    def on_certificate(self, tab: Tab) -> Updates:
        """Make (or make again) the certificate of the finished session on the screen; the reason when refused."""
        lang = tab.lang
        if tab.view != "result" or tab.session_id is None:
            return self._render(tab, notice=SelfServiceRefused("not_finished").message(lang), at="cert")
        folder = Path(self.ctx.report_dir) / "certificates"
        try:
            with self._cert_lock:  # two taps at once make one certificate
                pdf = worker_certificate(self.ctx.store, Path(self.ctx.settings.data_dir), tab.session_id, folder,
                                         self.ctx.bank)
        except SelfServiceRefused as refused:
            log.info("worker certificate refused for %s: %s", tab.session_id, refused)
            return self._render(tab, notice=refused.message(lang), at="cert")
        except Exception:
            log.exception("worker certificate failed")
            return self._render(tab, notice=SelfServiceRefused("failed").message(lang), at="cert")
        self.cert_paths[tab.session_id] = str(pdf)
        return self._render(tab, at="cert")  # the file appears under the button, labelled "ready: tap to download"
