"""Hostile autograd engines: a `Value` that tries to make the micrograd exercise believe it.

The engine's programs run in the sandboxed worker and come back as numbers only: the worker's
interpreter (grader.runner.autograd_programs) reads `.data` and `.grad` and accepts exactly
float, int and numpy's numeric scalars (`type(x) is ...`, which no class fakes), never calling a
method of anything else. So a Value that lies about its type, answers every comparison with True,
keeps state from one program to the next or recurses forever earns nothing an honest, wrong engine
would not, and the grader answers in time.
"""
from __future__ import annotations

from pathlib import Path

from grader.results import Status

from test_hostile import ROOT, attack, grade_timed, zygote  # noqa: F401  (fixtures)

REFERENCE = (ROOT / "reference" / "micrograd" / "micrograd.py").read_text()


def engine(attack, patches: dict[str, str] | None = None, tail: str = "") -> Path:
    """The reference engine with hostile patches, under the name a student submits it as."""
    source = REFERENCE
    for old, new in (patches or {}).items():
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    path = attack.folder / "micrograd.py"
    path.write_text(source + "\n" + tail)
    return path


def value_tests(report) -> dict:
    return {(t.check, str(t.visibility)): t for t in report.tests if t.function == "Value"}


def test_the_honest_engine_gets_full_marks(attack, zygote):
    report, _ = grade_timed(engine(attack), zygote, assignment="micrograd", seed=3)
    assert report.score == report.max_score == 17


LIAR = '''
class Liar(float):
    """A float that says it equals anything, converts to whatever is asked, and compares true."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __gt__(self, other): return True
    def __float__(self): return 1.0
    def __index__(self): return 1
    def __hash__(self): return 0
    @property
    def __class__(self): return float
'''


def test_a_grad_that_lies_about_its_type_and_equals_everything_earns_no_backward_points(attack, zygote):
    # Every grad is a Liar holding a wrong number: it claims to be a float and to equal anything.
    path = engine(attack, {"        self.grad = 1.0\n        for node in reversed(topo):":
                           "        self.grad = Liar(0.0)\n        for node in reversed(topo):"},
                  LIAR + '''
_add = Value.__add__
def __add__(self, other):
    out = _add(self, other)
    out.grad = Liar(0.0)
    return out
Value.__add__ = __add__
''')
    report, _ = grade_timed(path, zygote, assignment="micrograd", seed=3)
    tests = value_tests(report)
    for visibility in ("visible", "hidden"):
        backward = tests[("backward", visibility)]
        assert backward.status is Status.FAILED and backward.score == 0
        assert backward.mistake == "micrograd_not_a_number", backward.mistake
    assert tests[("forward", "visible")].status is Status.PASSED     # the data is honest
    attack.intact()


def test_data_that_is_a_value_comparing_equal_to_everything_is_not_a_number(attack, zygote):
    # __eq__, __float__ and comparisons of the Value itself answer what a naive grader would ask.
    path = engine(attack, {'''        out = Value(self.data + other.data, (self, other), "+")''':
                           '''        out = Value(Value(self.data + other.data), (self, other), "+")'''},
                  '''
Value.__eq__ = lambda self, other: True
Value.__hash__ = lambda self: id(self)
Value.__float__ = lambda self: 1.0
Value.__lt__ = Value.__gt__ = lambda self, other: True
''')
    report, _ = grade_timed(path, zygote, assignment="micrograd", seed=3)
    forward = value_tests(report)[("forward", "visible")]
    assert forward.status is Status.FAILED and forward.mistake == "micrograd_not_a_number"
    # the backward waits for + to have data (nothing judged it), the network likewise
    assert value_tests(report)[("backward", "visible")].status is Status.SKIPPED
    assert report.score <= 1      # the deep chain: its backward ran through (what it tests)
    attack.intact()


def test_state_kept_between_programs_gains_nothing(attack, zygote):
    # Right on the first programs it sees, then it "remembers" the last gradients it gave and
    # answers with those: the grader judges every program on its own numbers.
    path = engine(attack, {"        self.grad = 1.0\n        for node in reversed(topo):":
                           "        _SEEN.append(1)\n        self.grad = 1.0 if len(_SEEN) < 5 else 0.5\n"
                           "        for node in reversed(topo):"},
                  "_SEEN = []\n")
    report, _ = grade_timed(path, zygote, assignment="micrograd", seed=3)
    backward = value_tests(report)[("backward", "visible")]
    assert backward.status is Status.FAILED and backward.score == 0
    assert report.score < report.max_score
    attack.intact()


def test_a_value_that_recurses_forever_is_an_error_not_a_hang(attack, zygote):
    path = engine(attack, {"    def __mul__(self, other):\n":
                           "    def __mul__(self, other):\n        return self * other\n"})
    report, seconds = grade_timed(path, zygote, assignment="micrograd", seed=3)
    forward = value_tests(report)[("forward", "visible")]
    assert forward.status is Status.FAILED and forward.mistake == "exception"
    assert "RecursionError" in forward.output
    assert seconds < 20
    attack.intact()


def test_a_backward_that_never_returns_times_out_and_the_grade_completes(attack, zygote):
    path = engine(attack, {"        self.grad = 1.0\n        for node in reversed(topo):":
                           "        while True:\n            pass\n        for node in reversed(topo):"})
    report, seconds = grade_timed(path, zygote, assignment="micrograd", seed=3)
    statuses = {t.check: t.status for t in report.tests if t.function == "Value"}
    assert statuses["backward"] is Status.TIMEOUT
    assert report.score == 0 or all(t.score == 0 for t in report.tests if t.check == "backward")
    assert seconds < 20
    attack.intact()


def test_a_grad_too_large_for_a_float_is_not_a_number(attack, zygote):
    path = engine(attack, {"        self.grad = 1.0\n        for node in reversed(topo):":
                           "        self.grad = 10 ** 400\n        for node in reversed(topo):"})
    report, _ = grade_timed(path, zygote, assignment="micrograd", seed=3)
    backward = value_tests(report)[("backward", "visible")]
    assert backward.status is Status.FAILED and backward.mistake in ("micrograd_not_a_number", "exception")
    attack.intact()
