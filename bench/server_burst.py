"""Goals 4 and 6: a deadline rush on the real server, and the memory of its processes.

One deployment per run, all of it ours and thrown away after: a fresh PostgreSQL database (or a
SQLite file), our own redis-server on a free port (never the machine's 6379), `grade serve
--workers 0` as the web process and `grade worker` processes. A course, its students and their
API tokens are written straight into the database; the burst is posted over HTTP on loopback
from a thread pool; the database says what was graded, when, and how many times.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POSTGRES_ADMIN = os.environ.get("BENCH_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
SUBMISSIONS = {"gates": (ROOT / "reference/gates/gates.py").read_bytes(),
               "layers": (ROOT / "reference/layers/layers.py").read_bytes()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of our own, without persistence: a restart loses every queued message."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _connects(self.port), 10, "redis-server to listen")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _connects(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


class FreshPostgres:
    """A database of our own on the machine's PostgreSQL, dropped afterwards."""

    def __init__(self):
        import psycopg
        self.name = f"bench_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"

    def drop(self) -> None:
        import psycopg
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# -- memory ---------------------------------------------------------------------------------

def _status_kib(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _cpu_seconds(pid: int, with_children: bool) -> float | None:
    """utime + stime (and the reaped children's, for a zygote whose students have ended)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if with_children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _processes() -> tuple[dict[int, list[int]], dict[int, str]]:
    """Every process's children (by parent pid), and every process's command name."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    head, tail = handle.read().rsplit(")", 1)
                ppid = int(tail.split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
            names[int(entry)] = head.split("(", 1)[1]
    return children, names


def _machine_busy_seconds() -> float:
    """CPU time of the whole machine, every core, not idle (nor waiting for I/O)."""
    with open("/proc/stat") as handle:
        ticks = [int(n) for n in handle.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Peak VmHWM of the web process, the workers, their zygotes and the zygotes' descendants (the
    sandboxed student processes), sampled every 50 ms; and the CPU time of each kind of process.

    The students' own CPU cannot be read this way: they live ~0.1 s, and the zygote lets the
    kernel reap them (SIGCHLD ignored), which does not add their time to its children's. So the
    whole machine's busy time is read too, and what no sampled process accounts for (the students,
    the kernel's own threads) is "the rest"."""

    def __init__(self, deployment: "Deployment"):
        super().__init__(daemon=True)
        self.deployment = deployment
        self.peak = {"web": 0, "worker": 0, "zygote": 0, "student": 0}
        self.students_seen: set[int] = set()
        self.cpu_first: dict[str, float] = {}     # "web", "grading:<pid>": CPU seconds when first seen
        self.cpu_last: dict[str, float] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        self.sample()
        while not self.stopped.wait(0.05):
            self.sample()

    def cpu_seconds(self, prefix: str) -> float:
        """CPU time spent by the processes of one kind since they were first sampled."""
        return sum(self.cpu_last[key] - self.cpu_first[key] for key in self.cpu_last if key.startswith(prefix))

    def _cpu(self, key: str, pid: int, with_children: bool = False) -> None:
        value = _cpu_seconds(pid, with_children)
        if value is not None:
            self.cpu_first.setdefault(key, value)
            self.cpu_last[key] = value

    def cpu_breakdown(self) -> dict[str, float]:
        """CPU seconds since the first sample: grading (workers, zygotes), web, database, redis,
        bench (this process: the HTTP client's threads and this sampler), machine, and the rest."""
        kinds = {kind: self.cpu_seconds(kind) for kind in ("grading", "web", "database", "redis", "bench")}
        kinds["machine"] = self.cpu_seconds("machine")
        kinds["rest"] = max(0.0, kinds["machine"] - sum(kinds[k] for k in ("grading", "web", "database", "redis",
                                                                           "bench")))
        return kinds

    def sample(self) -> None:
        busy = _machine_busy_seconds()
        self.cpu_first.setdefault("machine", busy)
        self.cpu_last["machine"] = busy
        self._cpu("bench", os.getpid())
        if self.deployment.redis and self.deployment.redis.process:
            self._cpu("redis", self.deployment.redis.process.pid)
        self._note("web", self.deployment.web.pid)
        self._cpu("web", self.deployment.web.pid)
        children, names = _processes()
        if self.deployment.database:
            for pid, name in names.items():
                if name == "postgres":   # every backend and the server's own (the machine's, shared)
                    self._cpu(f"database:{pid}", pid)
        for worker in list(self.deployment.workers):
            self._note("worker", worker.pid)
            self._cpu(f"grading:{worker.pid}", worker.pid)
            for zygote in children.get(worker.pid, []):
                self._note("zygote", zygote)
                self._cpu(f"grading:zygote:{zygote}", zygote, with_children=True)
                stack = list(children.get(zygote, []))
                while stack:
                    pid = stack.pop()
                    self.students_seen.add(pid)
                    self._note("student", pid)
                    stack.extend(children.get(pid, []))

    def _note(self, kind: str, pid: int) -> None:
        value = _status_kib(pid, "VmHWM:")
        if value:
            self.peak[kind] = max(self.peak[kind], value * 1024)


# -- the deployment -------------------------------------------------------------------------

class Deployment:
    """Database, queue, web process and workers of one run."""

    def __init__(self, folder: Path, *, postgres: bool, workers: int, students: int):
        self.folder = folder
        self.redis = OwnRedis(folder) if postgres else None
        self.database = FreshPostgres() if postgres else None
        self.port = free_port()
        self.env = {**os.environ, "SECRET_KEY": "bench-secret", "GRADING_SECRET": "bench-grading-secret",
                    "GRADER_INSTANCE": str(folder / "instance"), "GRADER_RATELIMIT_ENABLED": "false",
                    "GRADER_GRADING_LEASE_SECONDS": "15", "GRADER_GRADING_REAP_SECONDS": "2",
                    "GRADER_GRADING_STALE_QUEUED_SECONDS": "20", "GRADER_COURSE": str(ROOT),
                    "DATABASE_URL": self.database.url if self.database else f"sqlite:///{folder / 'bench.db'}",
                    "PYTHONUNBUFFERED": "1"}
        self.env.pop("REDIS_URL", None)
        if self.redis:
            self.env["REDIS_URL"] = self.redis.url
        self.worker_count = workers
        self.students = students
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.log = open(folder / "processes.log", "ab")
        self.tokens: list[str] = []
        self.assignments: dict[str, int] = {}
        self.app = None

    @property
    def kind(self) -> str:
        return "PostgreSQL + Redis" if self.redis else "SQLite + SQLite queue"

    def start(self) -> None:
        if self.redis:
            self.redis.start()
        self.app = self._app()
        from server.cli import upgrade_database
        upgrade_database(self.app)
        self._seed()
        self.web = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--workers", "0",
                                     "--port", str(self.port)], env=self.env, cwd=ROOT,
                                    stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: self._healthy(), 60, "the web process to answer /healthz")
        for _ in range(self.worker_count):
            self.start_worker()

    def _app(self):
        from server import create_app
        config = {key: self.env[key] for key in ("SECRET_KEY", "GRADING_SECRET", "DATABASE_URL")}
        if self.redis:
            config["REDIS_URL"] = self.redis.url
        return create_app(config, instance_path=self.env["GRADER_INSTANCE"])

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen([sys.executable, "-m", "server.cli", "worker"], env=self.env, cwd=ROOT,
                                  stdout=self.log, stderr=subprocess.STDOUT)
        self.workers.append(worker)
        return worker

    def _seed(self) -> None:
        """A course with two open assignments (gates, layers), its students and one API token each."""
        from datetime import datetime, timezone

        from server import accounts
        from server.extensions import db
        from server.models import Assignment, Course, Enrolment, LimitPeriod, Role, User
        from server.passwords import hash_password
        with self.app.app_context():
            course = Course(code="bench", title="Bench rush", timezone="UTC")
            db.session.add(course)
            db.session.flush()
            for exercise in SUBMISSIONS:
                assignment = Assignment(course_id=course.id, slug=exercise, title=exercise.title(), exercise=exercise,
                                        points=10.0, due_at=datetime.now(timezone.utc) + timedelta(days=7),
                                        published=True, limit_period=LimitPeriod.TOTAL)
                db.session.add(assignment)
                db.session.flush()
                self.assignments[exercise] = assignment.id
            password = hash_password("bench password")        # hashed once: it is slow on purpose
            users = [User(email=f"student{i}@bench.test", name=f"Student {i}", password_hash=password)
                     for i in range(self.students)]
            db.session.add_all(users)
            db.session.flush()
            db.session.add_all([Enrolment(course_id=course.id, user_id=u.id, role=Role.STUDENT) for u in users])
            self.tokens = [accounts.issue_api_token(db.session, user, "bench") for user in users]
            db.session.commit()
            db.session.remove()

    def stop(self) -> None:
        for process in [*self.workers, self.web]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.web]:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self.app is not None:
            from server.extensions import db
            with self.app.app_context():
                db.session.remove()
                db.engine.dispose()
        if self.redis:
            self.redis.stop()
        if self.database:
            self.database.drop()
        self.log.close()

    # -- HTTP -----------------------------------------------------------------------------

    def post(self, student: int, exercise: str) -> tuple[int, int | None]:
        """POST one submission as `student`; (HTTP status, submission id)."""
        boundary = secrets.token_hex(8)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{exercise}.py\"\r\n"
                f"Content-Type: text/x-python\r\n\r\n").encode() + SUBMISSIONS[exercise] + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/assignments/{self.assignments[exercise]}/submissions", data=body,
            method="POST", headers={"Authorization": f"Bearer {self.tokens[student]}",
                                    "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())["id"]
        except urllib.error.HTTPError as error:
            return error.code, None
        except OSError:
            return 0, None

    def get(self, student: int, submission_id: int) -> dict:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v1/submissions/{submission_id}",
                                         headers={"Authorization": f"Bearer {self.tokens[student]}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    # -- the database's account of it ------------------------------------------------------

    def rows(self, ids: list[int]) -> list[tuple]:
        from sqlalchemy import select

        from server.extensions import db
        from server.models import Submission
        with self.app.app_context():
            found = db.session.execute(select(Submission.id, Submission.status, Submission.submitted_at,
                                              Submission.graded_at, Submission.grading_attempts)
                                       .where(Submission.id.in_(ids))).all()
            db.session.remove()
        return found

    def results_per_submission(self, ids: list[int]) -> dict[int, int]:
        from sqlalchemy import func, select

        from server.extensions import db
        from server.models import Result
        with self.app.app_context():
            counts = dict(db.session.execute(select(Result.submission_id, func.count()).where(
                Result.submission_id.in_(ids)).group_by(Result.submission_id)).all())
            db.session.remove()
        return counts

    def grade_seconds(self, ids: list[int]) -> list[float]:
        """The time each grade took inside its worker (Result.seconds)."""
        from sqlalchemy import select

        from server.extensions import db
        from server.models import Result
        with self.app.app_context():
            found = list(db.session.scalars(select(Result.seconds).where(Result.submission_id.in_(ids))))
            db.session.remove()
        return found

    def running(self) -> int:
        """Rows held by a worker right now."""
        from sqlalchemy import func, select

        from server.extensions import db
        from server.models import Submission, SubmissionStatus
        with self.app.app_context():
            count = db.session.scalar(select(func.count()).select_from(Submission)
                                      .where(Submission.status == SubmissionStatus.RUNNING))
            db.session.remove()
        return int(count)

    def settled(self, ids: list[int]) -> int:
        return sum(1 for row in self.rows(ids) if str(row.status.value) in ("graded", "error"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


def burst(deployment: Deployment, n: int, *, fault: str | None = None, threads: int = 16,
          first_student: int = 0, timeout: float = 600) -> dict:
    """Post n submissions at once (half gates, half layers, one per student), optionally with a
    fault a third of the way through, and wait until the database says every one is settled."""
    fault_at = max(1, n // 3)
    fault_note = {}

    def inject() -> None:
        if fault == "kill":
            victim = deployment.workers[0]
            try:      # mid-grade: every worker holds a row (and the victim's is lost with it)
                wait_until(lambda: deployment.running() >= len(deployment.workers), 30, "every worker to be grading")
            except TimeoutError:
                pass
            fault_note["running_at_kill"] = deployment.running()
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            deployment.workers.remove(victim)
            fault_note["killed"] = victim.pid
            time.sleep(1.0)        # what a supervisor (compose's restart policy) does: start another
            deployment.start_worker()
        elif fault == "redis":
            deployment.redis.stop()
            time.sleep(1.0)
            deployment.redis.start()
            fault_note["redis_restarted"] = True

    lock = threading.Lock()
    posted = [0]
    fault_thread: list[threading.Thread] = []

    def one(i: int):
        student = first_student + i
        outcome = deployment.post(student, "gates" if i % 2 == 0 else "layers")
        with lock:
            posted[0] += 1
            if fault and posted[0] == fault_at:
                thread = threading.Thread(target=inject)
                thread.start()
                fault_thread.append(thread)
        return student, outcome

    started = time.time()
    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(one, range(n)))
    posting_seconds = time.time() - started
    for thread in fault_thread:
        thread.join()
    accepted = [(student, sid) for student, (status, sid) in answers if status == 202 and sid is not None]
    ids = [sid for _, sid in accepted]
    try:
        wait_until(lambda: deployment.settled(ids) == len(ids), timeout, "every submission to be graded")
        timed_out = False
    except TimeoutError:
        timed_out = True
    time.sleep(1.0)               # a late duplicate would land now
    rows = deployment.rows(ids)
    results = deployment.results_per_submission(ids)
    graded = [row for row in rows if row.status.value == "graded"]
    latencies = [(row.graded_at - row.submitted_at).total_seconds() for row in graded]
    first_in = min((row.submitted_at for row in rows), default=None)
    last_out = max((row.graded_at for row in graded), default=None)
    done = sorted(row.graded_at for row in graded)
    sustained = (len(done) - 1) / (done[-1] - done[0]).total_seconds() if len(done) > 1 and done[-1] > done[0] else 0.0
    sample = accepted if n <= 50 else accepted[:: max(1, len(accepted) // 50)]
    over_http = sum(1 for student, sid in sample if deployment.get(student, sid).get("status") == "graded")
    return {"fault": fault or "none", **fault_note, "n": n, "posted_ok": len(ids),
            "refused": n - len(ids),
            # why, for a run that refused some: the HTTP status (0: no answer within the client's 60 s)
            "refused_statuses": sorted(status for _, (status, sid) in answers if status != 202 or sid is None),
            "posting_seconds": posting_seconds, "rows": len(rows),
            "graded": len(graded), "errors": sum(1 for row in rows if row.status.value == "error"),
            "lost": len(ids) - len(graded), "timed_out": timed_out,
            "graded_twice": sum(1 for count in results.values() if count > 1),
            "results": sum(results.values()), "claims": sum(row.grading_attempts for row in rows),
            "http_checked": len(sample), "http_graded": over_http,
            "all_graded_seconds": (last_out - first_in).total_seconds() if last_out and first_in else float("nan"),
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "graded_per_second": sustained, "grade_seconds": percentile(deployment.grade_seconds(ids), 0.5)}


def run(*, n: int, fault_n: int, workers: int, postgres: bool | None = None, faults=("kill", "redis")) -> dict:
    """The whole server section: warm up, the plain burst (memory sampled), then each fault."""
    if postgres is None:
        postgres = postgres_available()
    students = 8 + n + fault_n * len(faults)
    with tempfile.TemporaryDirectory(prefix="bench-server-") as folder:
        deployment = Deployment(Path(folder), postgres=postgres, workers=workers, students=students)
        try:
            deployment.start()
            warm = burst(deployment, 2 * workers * 2, timeout=180)       # every worker's zygote started
            sampler = MemorySampler(deployment)
            sampler.start()
            plain = burst(deployment, n, first_student=8)
            sampler.stopped.set()
            sampler.join()
            sampler.sample()
            plain["cpu_per_graded"] = sampler.cpu_seconds("grading") / max(1, plain["graded"])
            plain["web_cpu_per_post"] = sampler.cpu_seconds("web") / max(1, plain["posted_ok"])
            plain["machine_cpu_per_graded"] = {kind: seconds / max(1, plain["graded"])
                                               for kind, seconds in sampler.cpu_breakdown().items()}
            runs = [plain]
            next_student = 8 + n
            for fault in faults:
                if fault == "redis" and not postgres:
                    continue
                runs.append(burst(deployment, fault_n, fault=fault, first_student=next_student))
                next_student += fault_n
            return {"deployment": deployment.kind, "workers": workers, "warm": warm, "runs": runs,
                    "memory": dict(sampler.peak), "student_processes_seen": len(sampler.students_seen)}
        except BaseException:
            sys.stderr.write((Path(folder) / "processes.log").read_text(errors="replace")[-4000:])
            raise
        finally:
            deployment.stop()


def postgres_available() -> bool:
    try:
        import psycopg
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            pass
    except Exception:  # noqa: BLE001
        return False
    import shutil
    return shutil.which("redis-server") is not None


if __name__ == "__main__":
    print(json.dumps(run(n=int(sys.argv[1]) if len(sys.argv) > 1 else 10, fault_n=6, workers=2), indent=1,
                     default=str))
