"""Hostile submissions: student code that attacks the grader, the host or other students.

Each test writes a submission (the reference layers with hostile code appended or patched in, or
a small file of relu functions) into a folder of its own under tmp_path, with a canary file next
to that folder (outside it), grades it through the real sandbox (a fresh zygote per test), and
checks that the attack gained nothing: no points beyond what honest code earns, the canary intact,
nothing received by a listener, no process left, the grader answering in time, and a status and
output the student can make sense of.

Attacks report what they tried on their stdout as `RESULT <name>: <outcome>` lines, which the
report carries back as student_output; the tests read those to see that each attempt failed
inside (not just that nothing showed outside).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from grader.engine import grade
from grader.results import Status, Visibility
from grader.runner.calls import Call
from grader.runner.process import ProcessRunner
from grader.sandbox.zygote import Zygote

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_LAYERS = ROOT / "reference" / "layers" / "layers.py"
FAST = {"call_timeout": 1.0, "import_timeout": 3.0, "total_timeout": 20.0}
GRADE_BOUND = 30.0          # seconds a grade may take, whatever the submission does
MAX_STUDENT_OUTPUT = 70_000

# Prepended to every hostile submission (after the constants): report each attempt's outcome.
TRY = '''
def _try(name, attempt):
    try:
        value = attempt()
        line = f"RESULT {name}: ok {value!r}"
    except BaseException as error:  # noqa: BLE001
        line = f"RESULT {name}: {type(error).__name__} {error}"
    print(line[:400], flush=True)
'''

HONEST_RELU = '''
import numpy as np


def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return (cache > 0) * dout
'''


# ---------------------------------------------------------------------------------------------
# Processes, seen from the host through /proc (no psutil)

def _pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _parent(pid: int) -> int | None:
    stat = _read(f"/proc/{pid}/stat").decode(errors="replace")
    if ")" not in stat:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> set[int]:
    """Every live process below `root` (the zygote: its workers and whatever they started)."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        parent = _parent(pid)
        if parent is not None:
            children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def leftovers(zygote: Zygote) -> set[int]:
    """What grading left under the zygote: its descendants but the worker it forked ahead, which
    waits for the next request."""
    return descendants(zygote.pid) - {zygote.seed_pid}


def marked(marker: str) -> list[str]:
    """Processes or threads whose name (prctl PR_SET_NAME), command line or environment carries
    the marker, anywhere on the host."""
    needle = marker.encode()
    hits = []
    for pid in _pids():
        if needle in _read(f"/proc/{pid}/cmdline") or needle in _read(f"/proc/{pid}/environ"):
            hits.append(f"pid {pid}")
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        hits += [f"task {pid}/{tid}" for tid in tasks if needle in _read(f"/proc/{pid}/task/{tid}/comm")]
    return hits


def stopped(pid: int) -> bool:
    status = _read(f"/proc/{pid}/status").decode(errors="replace")
    return bool(re.search(r"^State:\s+[Tt]", status, re.M))


def wait_until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


# ---------------------------------------------------------------------------------------------
# Fixtures

@pytest.fixture
def zygote():
    """A zygote of this test's own: attacks that hurt it hurt no other test, and its descendants
    are exactly what this test's grades left behind."""
    z = Zygote()
    assert z.status.complete, f"the sandbox is incomplete on this machine: {z.status.why}"
    yield z
    for pid in descendants(z.pid):   # a failed test may leave workers: end them (ours, by pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if z.alive():
        try:
            os.kill(z.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    z.close()


class Attack:
    """A hostile submission's surroundings: its own folder, a canary outside it, a marker."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.folder = tmp_path / "submission"
        self.folder.mkdir()
        self.path = self.folder / "submission.py"
        self.canary = tmp_path / "canary.txt"
        self.canary.write_text("canary")
        self.marker = "hx" + uuid.uuid4().hex[:12]    # fits a 15-character thread name
        self.pwned = tmp_path / "pwned"               # created only if an attack got out

    def header(self, **extra) -> str:
        constants = {"CANARY": str(self.canary), "PWNED": str(self.pwned), "MARKER": self.marker,
                     "ROOT": str(ROOT), "REFERENCE": str(REFERENCE_LAYERS), "FOLDER": str(self.folder),
                     "TMP_PATH": str(self.tmp), **extra}
        return "".join(f"{name} = {value!r}\n" for name, value in constants.items()) + TRY

    def write(self, body: str, *, layers: bool = False, patches: dict[str, str] | None = None,
              name: str = "submission.py", **extra) -> Path:
        """The submission: constants, then the reference layers (patched) or nothing, then body."""
        base = ""
        if layers:
            base = REFERENCE_LAYERS.read_text()    # read at test time: the reference as it is now
            for old, new in (patches or {}).items():
                assert base.count(old) == 1, f"{old!r} must occur exactly once in the reference"
                base = base.replace(old, new)
        path = self.folder / name
        path.write_text(self.header(**extra) + base + "\n" + body)
        return path

    def intact(self) -> None:
        assert self.canary.read_text() == "canary", "the canary outside the submission's folder changed"
        assert not self.pwned.exists(), "the attack ran code outside the sandbox"


@pytest.fixture
def attack(tmp_path) -> Attack:
    return Attack(tmp_path)


def grade_timed(path: Path, zygote: Zygote, *, leftovers_ok: bool = False, **options):
    """grade() through `zygote` with short timeouts; asserts it answers in time and leaves no
    process behind. Returns (report, seconds)."""
    runner_options = dict(FAST, zygote=zygote, **options.pop("runner_options", {}))
    started = time.monotonic()
    report = grade(path, runner_options=runner_options, **options)
    seconds = time.monotonic() - started
    assert seconds < GRADE_BOUND, f"grading took {seconds:.1f} s"
    assert report.tests, "the grader reported nothing"
    if not leftovers_ok:
        assert wait_until(lambda: not leftovers(zygote)), f"processes left after grading: {sorted(leftovers(zygote))}"
    return report, seconds


def results(report) -> dict[str, str]:
    """The attack's own account of each attempt (the first RESULT line of each name)."""
    found: dict[str, str] = {}
    for name, outcome in re.findall(r"^RESULT ([^:\n]+): (.*)$", report.student_output, re.M):
        found.setdefault(name, outcome)
    return found


def checks_of(report, function: str, check: str | None = None):
    found = [t for t in report.tests if t.function == function and (check is None or t.check == check)]
    assert found, f"no tests of {function} {check or ''}"
    return found


def shown_type(test, type_name: str) -> str:
    """How a report names a type: a class the student's file defines is named on public checks
    only (on hidden ones its name could be made of hidden inputs: grader.runner.redaction)."""
    own = type_name in ("Bomb", "Liar")
    return "<your own class>" if own and test.visibility is Visibility.HIDDEN else type_name


def score_of(report, function: str) -> float:
    return sum(t.score for t in report.tests if t.function == function)


@pytest.fixture(scope="module")
def honest_layers(tmp_path_factory):
    """The reference layers, graded as a submission: what honest, correct code earns."""
    folder = tmp_path_factory.mktemp("honest")
    path = folder / "submission.py"
    path.write_text(REFERENCE_LAYERS.read_text())
    z = Zygote()
    try:
        report = grade(path, assignment="layers", runner_options=dict(FAST, zygote=z))
    finally:
        z.close()
    assert report.score == report.max_score > 0
    return report


# ---------------------------------------------------------------------------------------------
# 1. Reading the reference solutions


def test_reading_the_reference_by_absolute_path_finds_nothing(attack, zygote):
    path = attack.write('''
import os


def _reference():
    namespace = {}
    with open(REFERENCE) as handle:
        exec(compile(handle.read(), "reference", "exec"), namespace)
    return namespace


def relu_forward(x):
    return _reference()["relu_forward"](x)     # at call time: the reference, if it can be read


def relu_backward(dout, cache):
    return _reference()["relu_backward"](dout, cache)


_try("read reference", lambda: open(REFERENCE).read()[:20])
_try("list reference", lambda: os.listdir(os.path.dirname(os.path.dirname(REFERENCE))))
_try("list repo", lambda: os.listdir(ROOT))
_try("stat grader", lambda: os.stat(os.path.join(ROOT, "grader", "engine.py")))
try:                                            # at import: become the reference, if possible
    globals().update({k: v for k, v in _reference().items() if k.endswith(("_forward", "_backward"))})
except OSError:
    pass
''')
    report, _ = grade_timed(path, zygote)
    seen = results(report)
    for name in ("read reference", "list reference", "stat grader"):
        assert seen[name].startswith("FileNotFoundError"), (name, seen[name])
    # With the venv inside the checkout (.venv), the checkout's folder holds a mount point: it
    # exists, but cannot be listed.
    assert seen["list repo"].startswith(("FileNotFoundError", "PermissionError")), seen["list repo"]
    assert report.score == 0, "a submission that only reads the reference earned points"
    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is Status.ERROR and "FileNotFoundError" in test.output
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 2. Looking for expected values in caller frames and the garbage collector


def test_caller_frames_and_gc_hold_no_expected_values(attack, zygote):
    cheat = attack.write('''
import gc
import sys

import numpy as np



def _candidates(x):
    """Every array of x's shape the process can reach, other than x and copies of it."""
    seen = []
    depth = 1
    while True:
        try:
            frame = sys._getframe(depth)
        except ValueError:
            break
        for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):
            seen.append(value)
            if isinstance(value, (list, tuple)):
                seen.extend(value)
            if isinstance(value, dict):
                seen.extend(value.values())
        depth += 1
    seen.extend(gc.get_objects())
    for value in seen:
        items = value if isinstance(value, (list, tuple)) else (
            list(value.values()) if isinstance(value, dict) else [value])
        for item in items:
            if (type(item) is np.ndarray and item is not x and item.shape == x.shape
                    and not np.array_equal(item, x)):
                yield item


def relu_forward(x):
    found = list(_candidates(x))
    _try("search", lambda: f"{len(found)} arrays of x's shape found")
    looks_right = [a for a in found if (a >= 0).all()]    # an expected relu output is >= 0
    answer = (looks_right or found or [x])[-1]
    return np.array(answer, dtype=np.float64), x


def relu_backward(dout, cache):
    return dout.copy()

''')
    report, _ = grade_timed(cheat, zygote)
    # What the same functions earn without searching: relu_forward = identity.
    honest_wrong = attack.write('''
def relu_forward(x):
    return x.copy(), x


def relu_backward(dout, cache):
    return dout.copy()
''', name="honest_wrong.py")
    baseline, _ = grade_timed(honest_wrong, zygote)
    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is not Status.PASSED, f"the cheat passed: {test.output}"
    assert report.score <= baseline.score
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 3. Monkeypatching numpy's comparisons


NUMPY_PATCHES = '''
import numpy as np
import numpy.testing

np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.array_equiv = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.testing.assert_array_almost_equal = lambda *a, **k: None
np.testing.assert_almost_equal = lambda *a, **k: None
np.linalg.norm = lambda *a, **k: 0.0
np.isfinite = lambda a, *r, **k: np.ones(np.shape(a), dtype=bool)
np.errstate = None
'''


def test_monkeypatching_numpy_does_not_reach_the_graders_comparisons(attack, zygote, honest_layers):
    wrong_relu = {"out = np.maximum(x, 0.0)": "out = x.copy()"}       # a wrong forward
    patched = attack.write(NUMPY_PATCHES, layers=True, patches=wrong_relu)
    report, _ = grade_timed(patched, zygote, assignment="layers")
    plain = attack.write("", layers=True, patches=wrong_relu, name="plain_wrong.py")
    baseline, _ = grade_timed(plain, zygote, assignment="layers")

    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is Status.FAILED, test.output
    assert report.score == baseline.score < honest_layers.score
    assert ({(t.name, t.status) for t in report.tests} == {(t.name, t.status) for t in baseline.tests})
    # The other (correct) functions are graded as usual.
    for function in ("affine_forward", "affine_backward", "softmax_loss", "batchnorm_backward"):
        assert score_of(report, function) == score_of(honest_layers, function)
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 4. Pickle bombs and objects with __reduce__


BOMB = '''
import os
import pickle

import numpy as np


class Bomb:
    def __reduce__(self):      # unpickled (or copied) in the grader, this would run there
        return (os.system, ("touch " + PWNED,))


PICKLE = pickle.dumps(Bomb())
'''


@pytest.mark.parametrize("returns, type_name, said", [
    ("(PICKLE, x)", "bytes", "returned an object of type"),
    ("(Bomb(), x)", "Bomb", "returned an object of type"),
    # described by the worker, never rebuilt here: an array whose dtype the grader does not read as numbers
    # (on hidden checks the dtype's name is withheld like any name the student's code chose)
    ("(np.array([Bomb()], dtype=object), x)", "object", "returned a numpy array of"),
], ids=["pickle bytes", "reduce object", "object array"])
def test_pickle_bombs_are_reported_never_unpickled(attack, zygote, returns, type_name, said):
    path = attack.write(BOMB + f'''

def relu_forward(x):
    return {returns}


def relu_backward(dout, cache):
    return Bomb()
''')
    report, _ = grade_timed(path, zygote)
    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is Status.ERROR
        shown = "a dtype the grader does not read" if type_name == "object" and test.visibility is Visibility.HIDDEN \
            else shown_type(test, type_name)
        assert said in test.output and shown in test.output, test.output
    assert report.score == 0
    attack.intact()


def test_a_backward_returning_a_reduce_object_is_reported(attack, zygote):
    path = attack.write(BOMB + HONEST_RELU.replace("return (cache > 0) * dout", "return Bomb()"))
    report, _ = grade_timed(path, zygote)
    for test in checks_of(report, "relu_backward", "gradient"):
        assert test.status is Status.ERROR
        assert "returned an object of type" in test.output and shown_type(test, "Bomb") in test.output, test.output
    assert score_of(report, "relu_backward") == 0
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 5. ndarray subclasses


SUBCLASSES = '''
import numpy as np


class Liar(np.ndarray):
    """Equal to everything, and runs code whenever numpy makes a new one."""
    def __array_finalize__(self, obj):
        try:                   # harmless in the sandbox (a private /tmp); in the grader, a trace
            open(PWNED, "w").close()
        except OSError:
            pass

    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __sub__(self, other):
        return np.zeros(np.shape(self))

    def __abs__(self):
        return np.zeros(np.shape(self))
'''


@pytest.mark.parametrize("out, type_name", [
    ("np.ma.masked_array(np.maximum(x, 0.0))", "MaskedArray"),
    ("np.maximum(x, 0.0).view(Liar)", "Liar"),
    ("np.matrix(np.maximum(x, 0.0).reshape(x.shape[0], -1))", "matrix"),
], ids=["masked array", "custom subclass", "matrix"])
def test_ndarray_subclasses_are_errors_naming_the_type(attack, zygote, out, type_name):
    path = attack.write(SUBCLASSES + f'''

def relu_forward(x):
    return {out}, x


def relu_backward(dout, cache):
    return ((cache > 0) * dout).view(Liar)
''')
    report, _ = grade_timed(path, zygote)
    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is Status.ERROR, test.output
        assert shown_type(test, type_name) in test.output and "subclass" in test.output, test.output
    for test in checks_of(report, "relu_backward", "gradient"):
        assert test.status is not Status.PASSED
    assert report.score == 0
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 6. A fake report on stdout


FAKE = '{"score": 100, "max_score": 100, "seed": 0, "notes": [], "student_output": "", "tests": []}'


def test_a_fake_json_report_on_stdout_does_not_replace_the_real_one(attack, honest_layers):
    path = attack.write(f'''
import os
import sys

FAKE = {FAKE!r}
print(FAKE, flush=True)
os.write(1, (FAKE + "\\n").encode())
sys.__stdout__.write(FAKE + "\\n")
sys.__stdout__.flush()
''' + '''

_affine_forward = affine_forward


def affine_forward(x, w, b):
    print(FAKE, flush=True)
    os.write(1, b"\\n" + FAKE.encode() + b"\\n")
    os.write(2, FAKE.encode() + b"\\n")
    return _affine_forward(x, w, b)
''', layers=True)
    command = shutil.which("grade")
    argv = ([command] if command else [sys.executable, "-m", "grader.cli"]) + [
        "check", str(path), "--assignment", "layers", "--format", "json"]
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 60
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)             # the whole of stdout is one JSON object: the real one
    assert report["score"] == report["max_score"] == honest_layers.max_score != 100
    assert len(report["tests"]) == len(honest_layers.tests)
    assert FAKE in report["student_output"]
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 7. os._exit in one function


def test_os_exit_in_one_function_fails_only_that_function(attack, zygote, honest_layers):
    path = attack.write("", layers=True, patches={
        "    x, w = cache\n    x_flat": "    import os\n    os._exit(0)\n    x, w = cache\n    x_flat"})
    report, _ = grade_timed(path, zygote, assignment="layers")
    for test in checks_of(report, "affine_backward"):
        assert test.status in (Status.ERROR, Status.SKIPPED), test
        assert test.score == 0
    assert any("exit" in t.output for t in checks_of(report, "affine_backward", "gradient"))
    for test in report.tests:
        if test.function != "affine_backward":
            assert test.status is Status.PASSED, test
    assert report.score == honest_layers.score - score_of(honest_layers, "affine_backward")
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 8./9. Writing and deleting outside the sandbox


def test_writes_outside_the_sandbox_never_reach_the_host(attack, zygote):
    host_tmp = Path("/tmp") / f"{attack.marker}.txt"
    usr = Path("/usr") / f"{attack.marker}.txt"
    repo = ROOT / f"{attack.marker}.txt"
    path = attack.write('''
import os


def write(path, text="pwned"):
    with open(path, "w") as handle:
        handle.write(text)
    return "written"


def attempts():
    _try("host tmp", lambda: write(HOST_TMP))
    _try("submission folder", lambda: write(os.path.join(FOLDER, "planted.py")))
    _try("own file", lambda: write(__file__))
    _try("canary path", lambda: write(CANARY))
    _try("usr", lambda: write(USR))
    _try("repo", lambda: write(REPO))
    _try("tmp_path", lambda: os.makedirs(os.path.join(TMP_PATH, "planted")))


attempts()
''' + HONEST_RELU.replace("def relu_forward(x):\n", "def relu_forward(x):\n    attempts()\n"),
        HOST_TMP=str(host_tmp), USR=str(usr), REPO=str(repo))
    source = path.read_text()
    try:
        report, _ = grade_timed(path, zygote)
        seen = results(report)
        for name in ("submission folder", "own file", "usr"):
            assert not seen[name].startswith("ok"), (name, seen[name])
            # read-only where the worker sees the path; absent where it sees nothing (the student's
            # own folder is not mounted: the worker gets a private copy of the file)
            assert any(word in seen[name] for word in ("Read-only file system", "Permission", "No such file")), \
                (name, seen[name])
        assert not seen["repo"].startswith("ok"), seen["repo"]
        assert report.score == report.max_score     # honest functions: the attempts cost nothing
        assert not host_tmp.exists() and not usr.exists() and not repo.exists()
        assert sorted(p.name for p in attack.folder.iterdir()) == ["submission.py"]
        assert path.read_text() == source
        assert sorted(p.name for p in attack.tmp.iterdir()) == ["canary.txt", "submission"]
        attack.intact()
    finally:
        for planted in (host_tmp, usr, repo):
            if planted.exists():
                planted.unlink()


def test_deleting_the_canary_by_absolute_path_fails(attack, zygote):
    path = attack.write('''
import os
import shutil

_try("remove canary", lambda: os.remove(CANARY))
_try("rmtree tmp_path", lambda: shutil.rmtree(TMP_PATH))
_try("truncate canary", lambda: open(CANARY, "w").close())
_try("remove own file", lambda: os.remove(__file__))
''' + HONEST_RELU.replace("def relu_forward(x):\n", "def relu_forward(x):\n    os.remove(CANARY)\n"))
    report, _ = grade_timed(path, zygote)
    seen = results(report)
    assert seen["remove canary"].startswith("FileNotFoundError"), seen
    assert not seen["remove own file"].startswith("ok"), seen
    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is Status.ERROR and "FileNotFoundError" in test.output
    assert path.exists()
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 10. Killing its parents


@pytest.mark.parametrize("kill", [
    "os.kill(os.getppid(), signal.SIGKILL)",
    "os.kill(1, signal.SIGKILL)",
    "os.kill(-1, signal.SIGKILL)",
    "os.killpg(0, signal.SIGKILL)",
    "os.killpg(0, signal.SIGSTOP)",
], ids=["getppid", "pid 1", "everyone", "process group", "stop process group"])
def test_killing_its_parents_harms_neither_the_grader_nor_other_students(attack, zygote, kill):
    # Another student's worker, forked from the same zygote, is running while the attack runs.
    bystander_path = attack.write(HONEST_RELU, name="bystander.py")
    bystander = ProcessRunner(bystander_path, zygote=zygote, **FAST)
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    try:
        with bystander:
            assert bystander.run([Call("relu_forward", (x,), want=(0,))])[0].ok
            path = attack.write("import os\nimport signal\n" + HONEST_RELU.replace(
                "def relu_forward(x):\n", f"def relu_forward(x):\n    _try('kill', lambda: {kill})\n"))
            report, _ = grade_timed(path, zygote, leftovers_ok=True)
            for test in checks_of(report, "relu_forward"):    # the grader survived and reported
                assert test.status in (Status.PASSED, Status.ERROR, Status.SKIPPED), test
            time.sleep(0.2)
            assert zygote.alive(), f"the attack killed the zygote ({kill}) that forks every worker"
            assert not stopped(zygote.pid), f"the attack stopped the zygote ({kill}): every later grade hangs"
            after = bystander.run([Call("relu_forward", (x,), want=(0,))])[0]
            assert after.ok, f"another student's worker was hit by {kill}: {after.status} {after.detail}"
        # The next submission graded by this zygote is graded normally.
        honest = attack.write(HONEST_RELU, name="next.py")
        report, _ = grade_timed(honest, zygote)
        assert report.score == report.max_score > 0
        assert wait_until(lambda: not leftovers(zygote))
    finally:
        bystander.close()
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 11. Fork bombs, subprocesses, os.system


def test_fork_bombs_and_subprocesses_are_refused(attack, zygote):
    path = attack.write('''
import os
import subprocess
import multiprocessing
import time


def fork_bomb():
    children = []
    for _ in range(50):
        pid = os.fork()
        if pid == 0:
            import ctypes
            ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)
            time.sleep(100)
            os._exit(0)
        children.append(pid)
    return children


def spawn_all():
    _try("fork", fork_bomb)
    _try("popen", lambda: subprocess.Popen(["sleep", "100", MARKER]).pid)
    _try("popen shell", lambda: subprocess.Popen("sleep 100; : " + MARKER, shell=True).pid)
    _try("system", lambda: os.system("sleep 100; : " + MARKER))
    _try("posix_spawn", lambda: os.posix_spawn("/bin/sleep", ["sleep", "100", MARKER], {}))
    _try("multiprocessing", lambda: multiprocessing.Process(target=time.sleep, args=(100,)).start())
    _try("exec", lambda: os.execv("/bin/sleep", ["sleep", "100", MARKER]))


spawn_all()
''' + HONEST_RELU.replace("def relu_forward(x):\n",
                          "def relu_forward(x):\n    _try('fork in a call', fork_bomb)\n"))
    report, seconds = grade_timed(path, zygote)
    seen = results(report)
    for name in ("fork", "popen", "popen shell", "posix_spawn", "multiprocessing", "exec", "fork in a call"):
        assert seen[name].startswith("PermissionError"), (name, seen[name])
    assert seen["system"] != "ok 0", seen["system"]       # the shell never ran
    assert seconds < 10
    assert not marked(attack.marker), marked(attack.marker)
    assert report.score == report.max_score                # the attempts themselves cost nothing
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 12. Memory bombs


@pytest.mark.parametrize("bomb", [
    "np.ones(10 * 2**30 // 8)",
    "[bytes(2**26) for _ in range(10**6)]",
    "np.ones((2**14, 2**14)) @ np.ones((2**14, 2**14))",
], ids=["10 GB ones", "growing list", "huge matmul"])
def test_memory_bombs_are_errors_saying_memory(attack, zygote, bomb):
    path = attack.write(HONEST_RELU.replace("def relu_forward(x):\n",
                                            f"def relu_forward(x):\n    hog = {bomb}\n"))
    report, _ = grade_timed(path, zygote)
    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is Status.ERROR, test
        assert "memory" in test.output.lower(), test.output
    assert report.score == 0
    # The grader is fine: the next submission through the same zygote is graded normally.
    honest, _ = grade_timed(attack.write(HONEST_RELU, name="next.py"), zygote)
    assert honest.score == honest.max_score
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 13. An infinite loop at import


def test_infinite_loop_at_import_times_out_quickly(attack, zygote):
    path = attack.write('''
import ctypes
ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)
while True:
    pass
''', layers=True)
    report, seconds = grade_timed(path, zygote, assignment="layers")
    assert all(t.status is Status.TIMEOUT for t in report.tests), {t.status for t in report.tests}
    assert "importing your file took more than 3 s" in report.tests[0].output
    assert report.score == 0
    assert seconds < 3.0 + 5.0
    assert wait_until(lambda: not marked(attack.marker)), marked(attack.marker)
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 14. Daemons: setsid + fork, threads that outlive their call


def test_daemons_and_lingering_threads_are_gone_after_grading(attack, zygote):
    daemon_file = attack.tmp / "daemon.txt"
    path = attack.write('''
import ctypes
import os
import threading
import time

libc = ctypes.CDLL(None)


def keep_writing(name):
    libc.prctl(15, MARKER.encode(), 0, 0, 0)
    n = 0
    while True:
        n += 1
        for target in (DAEMON_FILE, "/tmp/daemon.txt"):
            try:
                with open(target, "a") as handle:
                    handle.write(f"{name} {n}\\n")
            except OSError:
                pass
        time.sleep(0.01)


def daemonize():
    os.setsid()
    pid = os.fork()
    if pid == 0:
        keep_writing("forked daemon")
    return pid


_try("setsid and fork", daemonize)
threading.Thread(target=keep_writing, args=("daemon thread",), daemon=True).start()
LINGERING = []


def linger():
    """A thread that keeps running after the call returned (one, however often it is called)."""
    if not LINGERING:
        LINGERING.append(threading.Thread(target=keep_writing, args=("lingering thread",)))
        LINGERING[0].start()
''' + HONEST_RELU.replace("def relu_forward(x):\n", "def relu_forward(x):\n    linger()\n"),
        DAEMON_FILE=str(daemon_file))
    report, _ = grade_timed(path, zygote)
    assert results(report)["setsid and fork"].startswith("PermissionError")
    assert report.score == report.max_score
    assert wait_until(lambda: not marked(attack.marker)), marked(attack.marker)
    assert not daemon_file.exists()
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 15. The network


@pytest.fixture
def listeners():
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    yield tcp, udp
    tcp.close()
    udp.close()


def test_the_network_is_unreachable(attack, zygote, listeners):
    tcp, udp = listeners
    path = attack.write('''
import socket
import urllib.request


def tcp():
    with socket.create_connection(("127.0.0.1", TCP_PORT), timeout=1) as connection:
        connection.sendall(b"LEAK " + MARKER.encode())
    return "sent"


def udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.sendto(b"LEAK " + MARKER.encode(), ("127.0.0.1", UDP_PORT))
    return "sent"


_try("tcp", tcp)
_try("udp", udp)
_try("unix", lambda: socket.socket(socket.AF_UNIX).connect("/tmp/.X11-unix/X0"))
_try("socketpair", socket.socketpair)
_try("http", lambda: urllib.request.urlopen(f"http://127.0.0.1:{TCP_PORT}/", timeout=1).read())
''' + HONEST_RELU.replace("def relu_forward(x):\n", "def relu_forward(x):\n    tcp()\n"),
        TCP_PORT=tcp.getsockname()[1], UDP_PORT=udp.getsockname()[1])
    report, _ = grade_timed(path, zygote)
    seen = results(report)
    for name in ("tcp", "udp", "unix", "socketpair", "http"):
        assert not seen[name].startswith("ok"), (name, seen[name])
    assert seen["tcp"].startswith("PermissionError"), seen["tcp"]
    for test in checks_of(report, "relu_forward", "forward"):
        assert test.status is Status.ERROR and "PermissionError" in test.output, test.output
    tcp.settimeout(0.3)
    with pytest.raises(socket.timeout):
        tcp.accept()
    udp.settimeout(0.3)
    with pytest.raises(socket.timeout):
        udp.recvfrom(1024)
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 16. Environment secrets


def test_environment_secrets_never_reach_the_student(attack, monkeypatch):
    secrets = {"SECRET_KEY": "canary-secret", "DATABASE_URL": "postgresql://grader:canary-db-pw@db/grades",
               "GRADER_SECRET": "canary-grader-secret"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    z = Zygote()      # started with the secrets in the grader's environment
    try:
        path = attack.write('''
import os


def dump():
    found = dict(os.environ)
    for source in ("/proc/self/environ", "/proc/1/environ", "/proc/%d/environ" % os.getppid()):
        try:
            found[source] = open(source, "rb").read().decode(errors="replace")
        except OSError as error:
            found[source] = type(error).__name__
    return found


print("ENVIRONMENT", dump(), flush=True)
''' + HONEST_RELU.replace("def relu_forward(x):\n",
                          "def relu_forward(x):\n    raise RuntimeError(repr(dump()))\n"))
        report, _ = grade_timed(path, z)
    finally:
        z.close()
    everything = json.dumps(report.to_dict())
    assert "ENVIRONMENT" in report.student_output and "PATH" in report.student_output  # the dump ran
    assert any("PATH" in t.output for t in checks_of(report, "relu_forward", "forward"))
    for name, value in secrets.items():
        assert value not in everything, f"{name}'s value reached the report"
        assert name not in report.student_output, f"{name} is in the worker's environment"
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 17. Flooding stdout


FLOODS = {
    # 50 MB in one print inside a call, the failure caught by the student
    "print in a call": ("", "    try:\n        print('C' * 50_000_000)\n    except OSError:\n        pass\n"),
    # 50 MB straight to fd 1 at import, caught
    "fd 1 at import": ("try:\n    os.write(1, b'B' * 50_000_000)\nexcept OSError:\n    pass\n", ""),
    # a chatty student: debug prints in a loop, 40 MB per call, nothing caught
    "chatty loop": ("", "    for i in range(400):\n        print(f'step {i}', 'D' * 100_000)\n"),
    # a flood, caught, and then one more harmless line
    "flood then a line": ("try:\n    print('A' * 50_000_000)\nexcept OSError:\n    pass\nprint('imported')\n", ""),
}


@pytest.mark.parametrize("flood", FLOODS)
def test_an_output_flood_is_truncated_and_grading_completes(attack, zygote, flood):
    at_import, in_call = FLOODS[flood]
    path = attack.write("import os\n" + at_import + HONEST_RELU.replace(
        "def relu_forward(x):\n", "def relu_forward(x):\n" + in_call))
    report, seconds = grade_timed(path, zygote)
    assert len(report.student_output) <= MAX_STUDENT_OUTPUT
    assert "more bytes of output not shown" in report.student_output
    assert seconds < GRADE_BOUND      # a bound on hanging, not a speed goal (full marks below say it completed)
    for test in report.tests:
        # Too much output may fail the student's own print (their traceback says so), but it must
        # not kill the worker and be blamed on exit(), memory or a crash.
        assert "ended while" not in test.output and "ended during" not in test.output, (test.name, test.output)
        assert "could not be imported" not in test.output or "File too large" in test.output, test.output
    if flood != "chatty loop":      # the student caught their failed prints: their functions are right
        assert report.score == report.max_score, [(t.name, t.output[:300]) for t in report.tests if not t.score]
    attack.intact()


# ---------------------------------------------------------------------------------------------
# 18. /proc, /etc, namespaces and mounts through ctypes


def test_proc_etc_and_kernel_doors_are_closed(attack, zygote):
    path = attack.write('''
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x00020000, 0x20000000, 0x40000000


def call(result):
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    return result


_try("proc", lambda: os.listdir("/proc"))
_try("proc self", lambda: open("/proc/self/status").read()[:50])
_try("sys", lambda: os.listdir("/sys"))
_try("passwd", lambda: open("/etc/passwd").read()[:50])
_try("shadow", lambda: open("/etc/shadow").read()[:50])
_try("home", lambda: os.listdir("/home"))
_try("root home", lambda: os.listdir("/root/.ssh"))
_try("unshare user", lambda: call(libc.unshare(CLONE_NEWUSER)))
_try("unshare mount", lambda: call(libc.unshare(CLONE_NEWNS)))
_try("unshare all", lambda: call(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET)))
_try("mount proc", lambda: call(libc.mount(b"proc", b"/tmp", b"proc", 0, None)))
_try("mount tmpfs", lambda: call(libc.mount(b"tmpfs", b"/usr", b"tmpfs", 0, None)))
_try("remount rw", lambda: call(libc.mount(None, b"/", None, 0x20, None)))
_try("umount root", lambda: call(libc.umount2(b"/", 2)))
_try("chroot", lambda: os.chroot("/tmp"))
_try("mknod", lambda: os.mknod("/tmp/mem", 0o600 | 0o20000, os.makedev(1, 1)))
_try("ptrace", lambda: call(libc.ptrace(16, 1, None, None)))
''' + HONEST_RELU)
    report, _ = grade_timed(path, zygote)
    seen = results(report)
    for name in ("proc", "proc self", "sys", "passwd", "shadow", "home", "root home"):
        assert seen[name].startswith("FileNotFoundError"), (name, seen[name])
    for name in ("unshare user", "unshare mount", "unshare all", "mount proc", "mount tmpfs", "remount rw",
                 "umount root", "chroot", "mknod", "ptrace"):
        assert seen[name].startswith(("OSError", "PermissionError")), (name, seen[name])
    assert report.score == report.max_score
    attack.intact()
