"""deploy/nginx.conf in front of two real `assessor serve` processes over one SQLite database: a worker session
through nginx with gradio_client, one process killed (SIGKILL), and the session resumed through nginx on the
other process, by the browser's saved session id and by the resume code. Nothing answered is lost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.store import Store
from assessor.ui.drive import WorkerClient
from tests.deploy.nginx_site import NGINX, free_port, running_nginx

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

if NGINX is None:
    pytest.skip("nginx is not installed (apt-get install nginx-light)", allow_module_level=True)


def _serve(data: Path, database: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    data.mkdir(parents=True)
    env = {**os.environ, "ASSESSOR_EMBEDDER": "hashing", "ASSESSOR_GENERATOR": "none", "ASSESSOR_MAX_ITEMS": "6",
           "ASSESSOR_DATABASE_URL": database, "ASSESSOR_VOICE": "false"}
    command = [sys.executable, "-c", "import sys; from assessor.cli import main; sys.argv[0] = 'assessor'; main()",
               "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)]
    log = (data / "server.log").open("wb")
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT), port


def _wait_up(servers: list[tuple[subprocess.Popen[bytes], int]], limit: float = 90.0) -> None:
    deadline = time.time() + limit
    waiting = list(servers)
    while waiting and time.time() < deadline:
        process, port = waiting[0]
        assert process.poll() is None, "an app process exited at start (see its server.log)"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            waiting.pop(0)
        except OSError:
            time.sleep(0.3)
    assert not waiting, "the app processes did not start"


@pytest.fixture
def two_apps(tmp_path: Path) -> Iterator[tuple[str, dict[int, subprocess.Popen[bytes]], Path, str]]:
    database = f"sqlite:///{tmp_path / 'assessor.sqlite'}"
    first = _serve(tmp_path / "p1", database)
    _wait_up([first])  # the first creates the schema; the second finds it done
    second = _serve(tmp_path / "p2", database)
    servers = [first, second]
    try:
        _wait_up(servers)
        (tmp_path / "nginx").mkdir()
        with running_nginx(tmp_path / "nginx", [port for _p, port in servers]) as url:
            yield url, {port: process for process, port in servers}, tmp_path / "nginx" / "access.log", database
    finally:
        for process, _port in servers:
            if process.poll() is None:
                process.terminate()
        for process, _port in servers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _served_by(access_log: Path) -> set[int]:
    """The upstream ports that served the requests logged so far."""
    return {int(port) for port in re.findall(r"127\.0\.0\.1:(\d+)", access_log.read_text())}


def test_a_session_through_nginx_survives_its_process_being_killed(
        two_apps: tuple[str, dict[int, subprocess.Popen[bytes]], Path, str]) -> None:
    url, processes, access_log, database = two_apps
    worker = WorkerClient(url + "/", seed=3)
    screen = worker.start("nginx-001", role="housekeeper", level=5)
    assert screen["mode"] == "quiz" and screen["question"]["number"] == 1
    session_id, code = screen["session_id"], screen["resume_code"]
    for _ in range(2):
        screen = worker.answer(screen)
    assert screen["mode"] == "quiz" and worker.answers == 2
    served = _served_by(access_log)
    assert len(served) == 1, f"one browser went to several processes: {served}"  # ip_hash: sticky
    [home] = served
    pending = screen["question"]["item_id"]

    processes[home].kill()  # kill -9: no goodbye
    processes[home].wait(timeout=10)
    other = next(port for port in processes if port != home)

    # the page reloads: a new browser session through nginx, with the saved session id
    again = WorkerClient(url + "/", seed=4)
    resumed = again.load({"lang": "zh", "session_id": session_id})
    assert resumed["mode"] == "quiz" and resumed["session_id"] == session_id
    assert resumed["question"]["item_id"] == pending  # the same pending question, nothing skipped
    assert resumed["notice"]  # 已接着上次的进度继续 (the page says it resumed)
    after_kill = access_log.read_text().splitlines()
    assert any(f"127.0.0.1:{other}" in line for line in after_kill[-5:]), "nginx did not move to the live process"

    answered = worker.answers
    for _ in range(20):
        if resumed["mode"] != "quiz":
            break
        resumed = again.answer(resumed)
    assert resumed["mode"] == "result"
    answered += again.answers

    # by the resume code, in a third browser, through nginx: the stored result
    third = WorkerClient(url + "/")
    shown = third.call("/resume", code)
    assert shown["mode"] == "result" and shown["session_id"] == session_id

    responses = Store(database).responses(session_id)
    assert len(responses) == answered and len({r.item_id for r in responses}) == answered
