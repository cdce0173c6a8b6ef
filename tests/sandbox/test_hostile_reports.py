"""Hostile submissions that try to read hidden inputs or answers out of their own report.

A hidden case is fresh per submission, so everything the student sees about it must be free of
its values: what their code printed, what their exceptions said, the names of their own types,
the measures of a wrong answer. Each attack is armed on the hidden cases (its trigger is a
fingerprint of the hidden inputs, which the test computes as only the grader could) and disarmed
on the public ones (the same code, triggered by the public inputs, which are the student's own
business and are shown): the disarmed run proves the armed one would have shown the leak. The
leak's marker, LEAKED, is made at run time ("LEA" "KED"): the submission's source never holds it.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from test_hostile import attack, grade_timed, zygote  # noqa: F401  (fixtures)

from grader import cases as case_sets
from grader.course import find_course
from grader.exercises import catalogue
from grader.oracle import oracle_for
from grader.report import FORMATS
from grader.results import Status, Visibility

SEED = 20261207

# The submission's trigger: is this array one of the fingerprinted inputs?
TRIGGER = '''
import hashlib
import numpy as np


def _triggered(x):
    return hashlib.sha256(np.ascontiguousarray(x, dtype=np.float64).tobytes()).hexdigest() in TRIGGERS
'''


def fingerprints(visibility: Visibility) -> set[str]:
    """sha256 of every relu input of one visibility's cases, as grade(seed=SEED) draws them (where
    hidden checks run, the public ones run on fresh values of the public shapes, from SEED too)."""
    course = find_course()
    oracle = oracle_for(["layers"], course)
    relu = next(exercise for exercise in catalogue(course)["layers"] if exercise.name == "relu")
    if visibility is Visibility.VISIBLE:
        case_set = case_sets.public_cases(relu, oracle, course.exercises_dir, seed=SEED)
    else:
        case_set = case_sets.hidden_cases(relu, oracle, SEED, course.exercises_dir)
    return {hashlib.sha256(np.ascontiguousarray(case.arrays["x"]).tobytes()).hexdigest()
            for case in case_set.main + case_set.edge}


@pytest.fixture(scope="module")
def triggers() -> dict[Visibility, set[str]]:
    found = {visibility: fingerprints(visibility) for visibility in Visibility}
    assert found[Visibility.VISIBLE] and found[Visibility.HIDDEN]
    assert not found[Visibility.VISIBLE] & found[Visibility.HIDDEN]
    return found


ARMED = [pytest.param(Visibility.HIDDEN, id="armed"), pytest.param(Visibility.VISIBLE, id="disarmed")]


def everything_shown(report) -> str:
    """Every format a student reads, in one string."""
    return "\n".join(FORMATS[name](report) for name in sorted(FORMATS))


def grade_triggered(attack, zygote, body: str, triggers: set[str]):  # noqa: F811
    path = attack.write(TRIGGER + body, TRIGGERS=sorted(triggers))
    report, _ = grade_timed(path, zygote, seed=SEED)
    return report


# ---------------------------------------------------------------------------------------------
# What the student's code prints during hidden checks


@pytest.mark.parametrize("visibility", ARMED)
def test_printing_only_the_hidden_inputs_shows_nothing(attack, zygote, triggers, visibility):  # noqa: F811
    """Public checks print nothing, hidden ones print their inputs: none of it is shown."""
    report = grade_triggered(attack, zygote, '''
def relu_forward(x):
    if _triggered(x):
        print("LEA" "KED", x.ravel()[:4].tolist(), flush=True)
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return (cache > 0) * dout
''', triggers[visibility])
    assert report.score == report.max_score     # the attack answers correctly: only the output matters
    if visibility is Visibility.HIDDEN:
        assert "LEAKED" not in report.student_output
        assert "LEAKED" not in everything_shown(report)
    else:
        assert "LEAKED" in report.student_output, "the control printed nothing: the test proves nothing"


# ---------------------------------------------------------------------------------------------
# Exceptions raised on hidden inputs

RAISERS = {
    "message": '''
def relu_forward(x):
    if _triggered(x):
        raise ValueError("LEA" f"KED {x.ravel()[:4].tolist()}")
    return np.maximum(x, 0.0), x
''',
    "class name": '''
def relu_forward(x):
    if _triggered(x):
        raise type("LEA" "KED_" + str(int(abs(x.ravel()[0]) * 1e6)), (Exception,), {})("no message")
    return np.maximum(x, 0.0), x
''',
    "source line": '''
import linecache


def relu_forward(x):
    if _triggered(x):
        lines = ["LEA" f"KED {x.ravel()[:4].tolist()}\\n"] * 500    # what the traceback shows as source
        linecache.cache[__file__] = (1, None, lines, __file__)
        raise ValueError("no message")
    return np.maximum(x, 0.0), x
''',
    "returned type": '''
def relu_forward(x):
    if _triggered(x):
        return type("LEA" "KED_" + str(int(abs(x.ravel()[0]) * 1e6)), (), {})(), x
    return np.maximum(x, 0.0), x
''',
}


@pytest.mark.parametrize("visibility", ARMED)
@pytest.mark.parametrize("kind", sorted(RAISERS))
def test_exceptions_on_hidden_inputs_show_type_and_line_not_text(attack, zygote, triggers, kind,  # noqa: F811
                                                                 visibility):
    report = grade_triggered(attack, zygote, RAISERS[kind] + '''

def relu_backward(dout, cache):
    return (cache > 0) * dout
''', triggers[visibility])
    shown = everything_shown(report)
    failing = [t for t in report.tests if t.visibility is visibility and t.status is not Status.PASSED]
    assert failing, "the attack's trigger never fired"
    if visibility is Visibility.VISIBLE:
        assert "LEAKED" in shown, "the control's text is not shown: the test proves nothing"
        return
    assert "LEAKED" not in shown
    assert "LEAKED" not in json.dumps(report.to_dict())     # not even in what staff store
    if kind in ("message", "source line"):
        raised = [t for t in failing if t.status is Status.ERROR]
        assert raised and all("ValueError" in t.output for t in raised)
        line = next(i for i, text in enumerate(attack.path.read_text().splitlines(), 1) if "raise ValueError" in text)
        assert f'"{attack.path.name}", line {line}' in raised[0].output      # where, from the grader's copy
        assert "raise ValueError" in raised[0].output


# ---------------------------------------------------------------------------------------------
# Measures that give back the reference's answer


@pytest.mark.parametrize("visibility", ARMED)
def test_measures_of_hidden_checks_are_for_staff_only(attack, zygote, triggers, visibility):  # noqa: F811
    """Answering a unit vector: cosine squared over scale is the reference's first component."""
    report = grade_triggered(attack, zygote, '''
def relu_forward(x):
    if _triggered(x):
        unit = np.zeros_like(x)
        unit.flat[0] = 1.0
        return unit, x
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return (cache > 0) * dout
''', triggers[visibility])
    probed = [t for t in report.tests if t.visibility is visibility and t.check == "forward"]
    assert probed and probed[0].status is Status.FAILED
    # Staff keep them: the full report (stored by the server, the batch) has the numbers.
    assert {"scale", "cosine"} <= set(probed[0].measures)
    student = report.for_students()
    for name in sorted(FORMATS):
        shown = FORMATS[name](report)
        if name == "json":
            seen = [t for t in json.loads(shown)["tests"] if t["visibility"] == visibility.value]
            assert seen
            if visibility is Visibility.HIDDEN:
                assert all(t["measures"] == {} for t in seen)
            else:
                assert any("cosine" in t["measures"] for t in seen)
    visible = [t for t in student.tests if t.visibility is visibility and t.measures]
    assert (visible == []) is (visibility is Visibility.HIDDEN)


# ---------------------------------------------------------------------------------------------
# float16 answers: judged at float64's tolerance


def test_a_coarse_dtype_does_not_loosen_the_tolerance(attack, zygote):  # noqa: F811
    """0.4%-off answers as float64 fail the forward's value checks; returned as float16 (armed)
    they must fail them too, and score no more than as float64 (disarmed), whose only gain is
    the dtype checks."""
    scores = {}
    for dtype in ("float16", "float64"):
        path = attack.write(f'''
import numpy as np


def relu_forward(x):
    return (np.maximum(x, 0.0) * 1.004).astype(np.{dtype}), x


def relu_backward(dout, cache):
    return ((cache > 0) * dout * 1.004).astype(np.{dtype})
''', name=f"{dtype}.py")
        report, _ = grade_timed(path, zygote, seed=SEED)
        values = [t for t in report.tests if t.function == "relu_forward" and t.check == "forward"]
        assert values and all(t.status is Status.FAILED for t in values), (dtype, [(t.name, t.status) for t in values])
        scores[dtype] = report.score
    assert scores["float16"] < scores["float64"], scores
