"""`grade serve`, the README's first command: a working site from an empty folder."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_serve(folder: Path, log: Path, *options: str) -> tuple[subprocess.Popen, str]:
    """`grade serve` in `folder`, once it says it is serving: its process and address."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "GRADER_INSTANCE")}
    with open(log, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "grader.cli", "serve", "--port", str(port), *options],
                                   cwd=folder, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and "Ctrl-C stops" not in log.read_text():
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


@pytest.fixture
def served(tmp_path):
    """`grade serve` in an empty folder: its process, its address and what it printed."""
    log = tmp_path / "serve.log"
    process, url = start_serve(tmp_path, log)
    yield process, url, log
    stop(process)


def test_grade_serve_creates_the_site_and_the_admin_can_log_in(served, tmp_path):
    process, url, log = served
    printed = log.read_text()
    match = re.search(r"Log in at (\S+) as (\S+) with password (\S+)", printed)
    assert match, printed
    login_url, email, password = match.groups()
    assert (tmp_path / "instance" / "grader.db").is_file()
    for secret in ("secret_key", "grading_secret"):
        assert (tmp_path / "instance" / secret).stat().st_mode & 0o777 == 0o600

    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = browser.open(login_url, timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    home = browser.open(login_url, data=body, timeout=10)
    page = home.read().decode()
    assert home.url == f"{url}/" and "My courses" in page and "New course" in page

    assert stop(process) == 0
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", f"server.cli worker --instance {tmp_path}"], capture_output=True, text=True)
    assert left.stdout.strip() == "", "grade serve left its worker running"


def test_a_second_start_keeps_the_admin_and_the_data(served, tmp_path):
    process, url, log = served
    assert "with password" in log.read_text()
    stop(process)
    again, _ = start_serve(tmp_path, tmp_path / "again.log", "--workers", "0")
    stop(again)
    printed = (tmp_path / "again.log").read_text()
    assert "with password" not in printed and "Log in at" in printed, printed
