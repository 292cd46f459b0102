"""Run deploy/nginx.conf as shipped in a throwaway nginx (ports rewritten) for the deploy tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SHIPPED_PORTS = (7861, 7862, 7863)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def site_for(ports: Sequence[int], listen: int) -> str:
    """The shipped site with its upstream pointed at `ports` (upstream lines beyond them removed) and listening
    on 127.0.0.1:`listen`; everything else (ip_hash, failover, streaming) exactly as shipped."""
    site = CONF.read_text()
    for n, shipped in enumerate(SHIPPED_PORTS):
        line = re.compile(rf"^\s*server 127\.0\.0\.1:{shipped}\b.*\n", re.M)
        assert line.search(site), f"deploy/nginx.conf has no upstream line for {shipped}"
        site = site.replace(f"127.0.0.1:{shipped}", f"127.0.0.1:{ports[n]}") if n < len(ports) else line.sub("", site)
    return re.sub(r"listen 80;", f"listen 127.0.0.1:{listen};", site).replace("listen [::]:80;", "")


@contextmanager
def running_nginx(folder: Path, ports: Sequence[int]) -> Iterator[str]:
    """nginx with the shipped site in front of `ports`; yields its URL. The access log (`folder/access.log`)
    names the upstream that served each request."""
    assert NGINX is not None
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        f"events {{ worker_connections 256; }}\nhttp {{\n log_format up '$upstream_addr $request';\n"
        f" access_log {folder}/access.log up;\n"
        f" client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n{site_for(ports, port)}\n}}\n")
    command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen([*command, "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
