"""`grade login URL` and `grade submit FILE` against a live server: the student's terminal path."""
from __future__ import annotations

import json
import stat

from click.testing import CliRunner

from grader.cli import main
from tests.server.helpers import PASSWORD, REFERENCE


def run(*args, env: dict):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_login_then_submit_shows_the_report_and_exit_status(live_site, tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "GRADER_PASSWORD": PASSWORD}
    refused = run("login", live_site.url, "--email", "ana@uni.test", env={**env, "GRADER_PASSWORD": "wrong password"})
    assert refused.exit_code == 1 and "do not match" in refused.output
    logged_in = run("login", live_site.url, "--email", "ana@uni.test", env=env)
    assert logged_in.exit_code == 0, logged_in.output
    credentials = tmp_path / "config" / "backprop-grader" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert json.loads(credentials.read_text())["token"].startswith("bpg_")

    buggy = tmp_path / "gates.py"
    buggy.write_bytes((REFERENCE.parent / "tests" / "corpus" / "buggy" / "gates_add_no_unbroadcast.py").read_bytes())
    graded = run("submit", str(buggy), "--assignment", "gates", env=env)
    assert graded.exit_code == 1, graded.output            # a check failed
    assert "add_backward" in graded.output and "hint:" in graded.output and "Points: " in graded.output

    correct = run("submit", str(REFERENCE / "gates" / "gates.py"), "--assignment", "gates", "--format", "json", env=env)
    assert correct.exit_code == 0, correct.output
    row = json.loads(correct.output[correct.output.index("{"):])
    assert row["status"] == "graded" and row["attempt"] == 2 and row["score"] == row["max_score"] == 20


def test_submit_says_what_to_do_when_not_logged_in_or_the_name_is_wrong(live_site, tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "GRADER_PASSWORD": PASSWORD}
    gates = str(REFERENCE / "gates" / "gates.py")
    not_logged_in = run("submit", gates, "--assignment", "gates", env=env)
    assert not_logged_in.exit_code == 1 and "grade login URL" in not_logged_in.output
    run("login", live_site.url, "--email", "ana@uni.test", env=env)
    unknown = run("submit", gates, "--assignment", "nope", env=env)
    assert unknown.exit_code == 1 and "bp101/gates" in unknown.output


def test_submit_refusals_have_their_own_exit_status_and_no_wait_json_gives_id_and_url(live_site, tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "GRADER_PASSWORD": PASSWORD}
    assert run("login", live_site.url, "--email", "ana@uni.test", env=env).exit_code == 0
    broken = tmp_path / "gates.py"
    broken.write_text("def add_forward(a, b):\n    return a +* b\n")
    refused = run("submit", str(broken), "--assignment", "gates", env=env)
    assert refused.exit_code == 4, refused.output
    lines = refused.output.splitlines()
    code = next(i for i, line in enumerate(lines) if line.endswith("return a +* b"))
    assert "line 2: syntax error" in lines[code - 1] and lines[code + 1].index("^") == lines[code].index("*")
    assert "no attempt was used" in refused.output

    queued = run("submit", str(REFERENCE / "gates" / "gates.py"), "--assignment", "gates", "--no-wait",
                 "--format", "json", env=env)
    assert queued.exit_code == 0, queued.output
    row = json.loads(queued.output[queued.output.index("{"):])
    assert row["attempt"] == 1 and row["url"].endswith(f"/submissions/{row['id']}")     # the broken one cost nothing
