"""The Docker deployment, part by part, without Docker: the compose file and the Dockerfile say what
they should, and each command they start really works here (migrations on PostgreSQL, gunicorn
serving the app, a `grade worker` consuming from the real Redis)."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, select, text

from grader.course import ENV_VAR as COURSE_ENV_VAR
from grader.course import find_course
from server import create_app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker")
POSTGRES_ADMIN_URL = os.environ.get("GRADER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("GRADER_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
SERVER_SOURCE = "\n".join(path.read_text() for path in (ROOT / "server").rglob("*.py"))
DEADLINE = 180.0       # seconds to wait for a process to come up or a grade to land, before failing


# --- the files -------------------------------------------------------------------------------------

def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """What docker compose makes of ${VAR}, ${VAR:-default} and ${VAR:?error} with these variables."""
    def one(match):
        name, operator, argument = match.groups()
        if variables.get(name):
            return variables[name]
        if operator == ":?":
            raise KeyError(f"{name} is required: {argument}")
        return argument if operator == ":-" else ""
    return INTERPOLATION.sub(one, value)


def environment(service: str, variables: dict[str, str] | None = None) -> dict[str, str]:
    env = SERVICES[service].get("environment") or {}
    assert isinstance(env, dict), f"{service}: write environment as a mapping"
    return {name: interpolate(str(value), env_example() if variables is None else variables)
            for name, value in env.items()}


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines if line and not line.startswith("#")]


def dockerfile_cmd() -> list[str]:
    commands = [args for instruction, args in dockerfile() if instruction == "CMD"]
    assert len(commands) == 1
    return json.loads(commands[0])     # exec form: signals reach gunicorn, no shell in between


def dockerfile_env() -> dict[str, str]:
    env = {}
    for instruction, args in dockerfile():
        if instruction == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(args))
    return env


def test_the_compose_file_has_web_worker_migrate_postgresql_and_redis():
    assert set(SERVICES) == {"migrate", "web", "worker", "db", "redis"}
    assert SERVICES["db"]["image"].split(":")[1].startswith("15")
    assert SERVICES["redis"]["image"].split(":")[1].startswith("7")
    assert SERVICES["migrate"]["command"] == ["flask", "--app", "server", "db", "upgrade"]
    assert SERVICES["worker"]["command"] == ["grade", "worker"]
    web = SERVICES["web"]["command"]
    assert web[0] == "gunicorn" and web[-1] == "server:create_app()"
    assert web == dockerfile_cmd(), "web runs the image's own CMD"


def test_web_and_workers_start_after_the_migration_and_once_redis_answers():
    for service in ("web", "worker"):
        depends = SERVICES[service]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["restart"] == "no"


def test_healthchecks():
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert SERVICES["db"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert SERVICES["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_the_database_and_redis_keep_their_data_in_named_volumes():
    for service, folder in (("db", "/var/lib/postgresql/data"), ("redis", "/data")):
        volume, target = SERVICES[service]["volumes"][0].split(":")
        assert target == folder and volume in COMPOSE["volumes"]


def test_only_web_is_published_and_the_rest_is_on_an_internal_network():
    networks = COMPOSE["networks"]
    for service in ("db", "redis", "worker", "migrate"):
        assert "ports" not in SERVICES[service] and "expose" not in SERVICES[service]
        assert SERVICES[service]["networks"] == ["backend"]
    assert networks["backend"]["internal"] is True
    assert not networks["edge"].get("internal")
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert set(SERVICES["web"]["networks"]) == {"backend", "edge"}


def test_workers_scale_and_get_only_what_the_sandbox_needs():
    worker = SERVICES["worker"]
    assert "container_name" not in worker and "ports" not in worker    # --scale worker=N
    assert set(worker["security_opt"]) == {"seccomp=unconfined", "apparmor=unconfined"}
    assert "cap_add" not in worker and not worker.get("privileged")
    assert "user" not in worker, "the image's unprivileged user: the sandbox uses a user namespace"
    for service in ("web", "migrate", "db", "redis"):
        assert "security_opt" not in SERVICES[service] and "cap_add" not in SERVICES[service]


def test_secrets_come_from_the_env_file_and_have_no_defaults():
    example = env_example()
    for service in ("migrate", "web", "worker", "db"):
        raw = SERVICES[service]["environment"]
        for name, value in raw.items():
            for variable, operator, _ in INTERPOLATION.findall(str(value)):
                assert operator in (":-", ":?"), f"{service}.{name}: give ${{{variable}}} a default or an error"
                assert variable in example, f"{variable} is not in .env.example"
    for secret in ("SECRET_KEY", "GRADING_SECRET"):
        assert re.fullmatch(r"\$\{%s:\?[^}]+\}" % secret, SERVICES["web"]["environment"][secret])
    assert "POSTGRES_PASSWORD:?" in SERVICES["web"]["environment"]["DATABASE_URL"]
    with pytest.raises(KeyError, match="SECRET_KEY"):
        environment("web", {"POSTGRES_PASSWORD": "p", "GRADING_SECRET": "g"})
    used = set(INTERPOLATION.findall((ROOT / "docker-compose.yml").read_text()))
    assert set(example) == {variable for variable, _, _ in used}, ".env.example lists exactly what compose reads"
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored and "!.env.example" in ignored


def test_every_app_service_gets_the_same_environment():
    assert environment("web") == environment("worker") == environment("migrate")


@pytest.mark.parametrize("name", sorted(environment("web")))
def test_every_variable_passed_to_the_app_is_one_it_reads(name, tmp_path, monkeypatch):
    value = environment("web")[name]
    if name == COURSE_ENV_VAR:
        assert value == dockerfile_env()[name] == "/course"
        assert find_course(environ={name: str(ROOT)}).root == ROOT
        return
    if name == "GRADER_INSTANCE":
        assert value == dockerfile_env()[name]
        monkeypatch.setenv(name, str(tmp_path / "elsewhere"))
        assert create_app().instance_path == str(tmp_path / "elsewhere")
        return
    monkeypatch.setenv(name, value)
    app = create_app(instance_path=str(tmp_path / "instance"))
    key = name.removeprefix("GRADER_")
    expected = value
    if name.startswith("GRADER_"):
        try:
            expected = json.loads(value)   # as Flask's from_prefixed_env reads it
        except ValueError:
            pass
    assert app.config[key] == expected
    assert re.search(r"""["']%s["']""" % key, SERVER_SOURCE), f"nothing in server/ reads {key}"


def test_the_image_installs_the_package_and_holds_the_course_but_no_tests():
    steps = dockerfile()
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11")
    copies = [args.split() for instruction, args in steps if instruction == "COPY"]
    sources = [words[0] for words in copies]
    assert sources == ["pyproject.toml", "grader/", "server/", "exercises/", "reference/"]
    assert ["exercises/", "/course/exercises/"] in copies and ["reference/", "/course/reference/"] in copies
    assert dockerfile_env()[COURSE_ENV_VAR] == "/course"
    runs = " ".join(args for instruction, args in steps if instruction == "RUN")
    assert "pip install '.[server]'" in runs and "libseccomp2" in runs
    users = [args for instruction, args in steps if instruction == "USER"]
    assert users == ["grader"]
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".git", "tests/", "bench/", "instance/"} <= set(ignored)


@pytest.mark.parametrize("command", [["grade", "worker"], ["gunicorn"], ["flask", "--app", "server", "db", "upgrade"]])
def test_the_commands_the_image_runs_exist(command):
    assert shutil.which(command[0]), f"{command[0]} is not installed by '.[server]'"
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_healthz_says_503_in_json_when_the_database_is_down(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/none"},
                     instance_path=str(tmp_path / "instance"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


# --- the commands, for real ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A fresh PostgreSQL database, migrated by the compose file's `migrate` command; dropped after."""
    name = f"grader_deploy_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def deployment_env(postgres_url, tmp_path_factory):
    """The environment compose gives the app's containers, pointed at this machine's services."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GRADER_", "FLASK_"))}
    env.update(environment("web"))
    env.update(DATABASE_URL=postgres_url.replace("postgresql+psycopg://", "postgresql://"), REDIS_URL=REDIS_URL,
               GRADER_COURSE=str(ROOT), GRADER_INSTANCE=str(tmp_path_factory.mktemp("instance")),
               GRADER_BASE_URL="http://127.0.0.1", SECRET_KEY="deployment-test-key",
               GRADING_SECRET="deployment-test-grading-secret")
    return env


@pytest.fixture(scope="module")
def migrated(deployment_env, postgres_url):
    done = subprocess.run(SERVICES["migrate"]["command"], env=deployment_env, cwd=deployment_env["GRADER_INSTANCE"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        tables = set(connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
        version = connection.scalar(text("SELECT version_num FROM alembic_version"))
    engine.dispose()
    assert {"users", "courses", "submissions", "alembic_version"} <= tables, tables
    assert version
    return deployment_env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    process = subprocess.Popen(command, env=env, cwd=env["GRADER_INSTANCE"], stdout=handle,
                               stderr=subprocess.STDOUT, start_new_session=True)
    handle.close()
    return process


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process we started (and its children: gunicorn's workers, the zygote)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for_http(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer: {log.read_text()}")


def test_gunicorn_serves_the_app_on_the_migrated_postgresql_database(migrated, tmp_path):
    port = free_port()
    command = dockerfile_cmd()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    log = tmp_path / "gunicorn.log"
    process = start(command, migrated, log)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process, log)
        status, body = get(f"http://127.0.0.1:{port}/healthz")
        health = json.loads(body)
        assert (status, health["status"], health["database"], health["grading"]) == (200, "ok", "up", "ok")
        assert health["queue"]["queued"] == 0 and health["queue"]["stalled"] is False
        status, body = get(f"http://127.0.0.1:{port}/login")
        assert status == 200 and b'name="password"' in body
    finally:
        stop(process)
    assert "Booting worker" in log.read_text()


@pytest.fixture
def redis_queue():
    """Redis database 7 (GRADER_TEST_REDIS_URL), empty before and after; the machine's Redis itself
    is never stopped."""
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_a_grade_worker_grades_a_submission_from_redis(migrated, redis_queue, tmp_path, monkeypatch):
    from server.extensions import db
    from server.models import Course, Role, Submission, SubmissionStatus
    from server.submitting import submit
    from server.uploads import accept
    from tests.server.helpers import REFERENCE, make_assignment, make_user

    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "GRADING_SECRET"):
        monkeypatch.setenv(name, migrated[name])
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "instance"))
    assert type(app.extensions["grading_queue"].huey).__name__ == "RedisHuey"
    with app.app_context():
        course = Course(code="deploy", title="Deployment", timezone="UTC")
        db.session.add(course)
        db.session.flush()
        student = make_user("student@deploy.test", Role.STUDENT, course)
        assignment = make_assignment(course, slug="gates", exercise="gates")
        db.session.commit()
        upload = accept("gates.py", (REFERENCE / "gates" / "gates.py").read_bytes(), app.config["MAX_CONTENT_LENGTH"])
        submission_id = submit(db.session, app.extensions["grading_queue"], student, assignment, upload).id
        assert app.extensions["grading_queue"].pending() == 1        # the id is in Redis, waiting
    log = tmp_path / "worker.log"
    worker = start(SERVICES["worker"]["command"], migrated, log)
    try:
        deadline = time.monotonic() + DEADLINE
        status = result = None
        while time.monotonic() < deadline and worker.poll() is None:
            with app.app_context():
                row = db.session.scalar(select(Submission).where(Submission.id == submission_id))
                status, result = row.status, row.result
                if status in (SubmissionStatus.GRADED, SubmissionStatus.ERROR):
                    break
                db.session.remove()
            time.sleep(0.5)
        assert status is SubmissionStatus.GRADED, log.read_text()
        assert result.score == result.max_score == 10.0
        with app.app_context():
            assert app.extensions["grading_queue"].pending() == 0      # consumed, not left behind
    finally:
        stop(worker)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    assert worker.returncode is not None
    assert "ready" in log.read_text()
