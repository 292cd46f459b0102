"""deploy/nginx.conf, as shipped (ports rewritten), in front of three small backends: sticky, streaming, failover."""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.nginx_site import NGINX, free_port, running_nginx

if NGINX is None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError("CI needs Debian's nginx for the deploy tests (apt-get install nginx-light)")
    pytest.skip("nginx is not installed (apt-get install nginx-light)", allow_module_level=True)


def _backend(name: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/stream":  # an event stream: a first event, a pause, a second
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.write(b"data: first\n\n")
                self.wfile.flush()
                time.sleep(1.5)
                self.wfile.write(b"data: second\n\n")
                return
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[str, dict[str, ThreadingHTTPServer]]]:
    backends = {f"p{n}": _backend(f"p{n}") for n in range(3)}
    try:
        with running_nginx(tmp_path, [server.server_address[1] for server in backends.values()]) as url:
            yield url, backends
    finally:
        for server in backends.values():
            server.shutdown()
            server.server_close()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_one_browser_stays_on_one_process_and_moves_when_it_dies(
        proxy: tuple[str, dict[str, ThreadingHTTPServer]]) -> None:
    url, backends = proxy
    served = {_get(url) for _ in range(10)}
    assert len(served) == 1
    [home] = served
    backends[home].shutdown()
    backends[home].server_close()
    after = {_get(url) for _ in range(5)}
    assert len(after) == 1 and home not in after


def test_event_streams_are_passed_on_at_once(proxy: tuple[str, dict[str, ThreadingHTTPServer]]) -> None:
    url, _backends = proxy
    began = time.perf_counter()
    with urllib.request.urlopen(f"{url}/stream", timeout=10) as response:
        first = response.readline()
        first_at = time.perf_counter() - began
        rest = response.read()
    assert first == b"data: first\n" and first_at < 1.0, f"first event after {first_at:.2f} s (buffered?)"
    assert b"data: second" in rest
