"""Points without the work: submissions that score without writing a backward, each armed and
disarmed. The armed file does the trick; the disarmed one is the same file without it (it
implements nothing the trick replaces). Where hidden checks run (the server, an instructor's
grade), the trick must earn nothing over the disarmed file; a control shows that each trick is
real (it earned points before these defences, or earns them where they do not apply).
"""
from __future__ import annotations

import hashlib

import numpy as np

from grader.cases import public_cases
from grader.course import find_course
from grader.exercises import catalogue
from grader.oracle import oracle_for
from tests.sandbox.test_hostile import ROOT, attack, grade_timed, score_of, zygote  # noqa: F401 (fixtures)

LAYERS = {exercise.name: exercise for exercise in catalogue(ROOT)["layers"]}


def _key(*arrays) -> str:
    return hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest()


def _answer_table() -> tuple[dict, dict]:
    """What a release gives away: the public inputs of affine with the reference's answers."""
    course = find_course(ROOT)
    oracle = oracle_for(["layers"], course)
    forward, backward = {}, {}
    cases = public_cases(LAYERS["affine"], oracle, course.exercises_dir)
    for case in cases.main + cases.edge:
        x, w, b = case.arrays.values()
        forward[_key(x, w, b)] = np.asarray(oracle.forward(case)).tolist()
        backward[_key(case.dout)] = [g.tolist() for g in oracle.backward(case)]
    return forward, backward


LOOKUP = '''
import hashlib
import numpy as np

def _key(*arrays):
    return hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest()

def affine_forward(x, w, b):
    return np.array(FORWARD[_key(x, w, b)]), (x, w, b)

def affine_backward(dout, cache):
    return tuple(np.array(g) for g in BACKWARD[_key(dout)])
'''


def test_the_released_public_answers_as_a_lookup_table_earn_nothing(attack, zygote):
    forward, backward = _answer_table()
    armed = attack.write(LOOKUP, name="armed.py", FORWARD=forward, BACKWARD=backward)
    disarmed = attack.write(LOOKUP, name="disarmed.py", FORWARD={}, BACKWARD={})
    public_armed, _ = grade_timed(armed, zygote, assignment="layers", public_only=True)
    assert score_of(public_armed, "affine_forward") > 0 and score_of(public_armed, "affine_backward") > 0  # control
    full = {name: grade_timed(path, zygote, assignment="layers")[0] for name, path in
            (("armed", armed), ("disarmed", disarmed))}
    assert full["armed"].score == full["disarmed"].score == 0
    assert any("inputs you have not seen" in note for note in full["armed"].notes)


FAKE = '''
import numpy as np

def relu_forward(x):
    return 0.5 * x, x              # linear, far from ReLU

def relu_backward(dout, cache):
    return GRADIENT_SCALE * dout    # 0.5: exact for that forward; 0: disarmed

def sigmoid_forward(x):
    return 0.25 * x + 0.5, x        # the sigmoid's tangent at 0: linear, far from it for |x| ~ 2

def sigmoid_backward(dout, cache):
    return GRADIENT_SCALE / 2 * dout
'''


def test_a_fake_linear_forward_earns_its_exact_backward_nothing(attack, zygote):
    armed = attack.write(FAKE, name="armed.py", GRADIENT_SCALE=0.5)
    disarmed = attack.write(FAKE, name="disarmed.py", GRADIENT_SCALE=0.0)
    reports = {name: grade_timed(path, zygote, assignment="layers")[0] for name, path in
               (("armed", armed), ("disarmed", disarmed))}
    for function in ("relu_backward", "sigmoid_backward"):
        assert score_of(reports["armed"], function) == score_of(reports["disarmed"], function) == 0, function
    [gradient] = [t for t in reports["armed"].tests if t.function == "relu_backward" and t.check == "gradient"
                  and t.visibility == "visible"]
    assert gradient.status == "failed" and "relu_forward is wrong too" in gradient.output


NUMERICAL = '''
import numpy as np

def relu_forward(x):
    return np.maximum(x, 0.0), x

_forward = relu_forward        # an alias counts too

def relu_backward(dout, cache):
    x = cache
    if not ARMED:
        return np.zeros_like(x)
    if SWITCH_OFF:
        import sys
        sys.setprofile(None)
    dx = np.zeros_like(x)
    h = 1e-6
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        dx[i] = np.sum((_forward(up)[0] - _forward(down)[0]) * dout) / (2 * h)
    return dx
'''


def test_a_backward_by_central_differences_through_the_forward_earns_nothing(attack, zygote):
    reports = {name: grade_timed(attack.write(NUMERICAL, name=f"{name}.py", ARMED=armed, SWITCH_OFF=off),
                                 zygote, assignment="layers")[0]
               for name, armed, off in (("armed", True, False), ("switched_off", True, True),
                                        ("disarmed", False, False))}
    assert score_of(reports["armed"], "relu_forward") == score_of(reports["disarmed"], "relu_forward") > 0
    for name in ("armed", "switched_off"):
        assert score_of(reports[name], "relu_backward") == score_of(reports["disarmed"], "relu_backward") == 0
        flagged = [t for t in reports[name].tests if t.function == "relu_backward" and t.check == "gradient"]
        # On a machine under load a numerical backward may also run out of time first.
        assert flagged and all(t.mistake in ("numerical_backward", "timeout") for t in flagged), \
            [t.output for t in flagged]
        assert flagged[0].mistake == "numerical_backward"
    [public] = [t for t in reports["armed"].tests if t.function == "relu_backward" and t.check == "gradient"
                and t.visibility == "visible"]
    assert "relu_backward calls relu_forward" in public.output and "differentiates numerically" in public.output


COPIED = '''
import numpy as np

def affine_forward(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b, (x, w, b)

def _same_as_the_forward(x, w, b):     # a copy: no count of affine_forward's calls sees it
    return x.reshape(x.shape[0], -1) @ w + b

def affine_backward(dout, cache):
    x, w, b = cache
    if not ARMED:
        return np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    grads = []
    for a in (x, w, b):
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            keep = a[i]
            a[i] = keep + 1e-5
            up = np.sum(_same_as_the_forward(x, w, b) * dout)
            a[i] = keep - 1e-5
            down = np.sum(_same_as_the_forward(x, w, b) * dout)
            a[i] = keep
            g[i] = (up - down) / 2e-5
        grads.append(g)
    return tuple(grads)
'''


def test_a_backward_by_central_differences_through_a_copy_of_the_forward_earns_nothing(attack, zygote):
    """No count of forward calls sees a copy: the work-bound case (Hidden.work) does, a case that
    the backward by hand finishes in milliseconds and central differences cannot in the deadline."""
    armed, disarmed = (attack.write(COPIED, name=f"{name}.py", ARMED=on)
                       for name, on in (("armed", True), ("disarmed", False)))
    reports = {name: grade_timed(path, zygote, assignment="layers")[0]
               for name, path in (("armed", armed), ("disarmed", disarmed))}
    assert score_of(reports["armed"], "affine_forward") == score_of(reports["disarmed"], "affine_forward") > 0
    assert score_of(reports["armed"], "affine_backward") == score_of(reports["disarmed"], "affine_backward") == 0
    gradient = {t.visibility: t for t in reports["armed"].tests
                if t.function == "affine_backward" and t.check == "gradient"}
    assert {t.mistake for t in gradient.values()} == {"backward_too_slow"}, [t.output for t in gradient.values()]
    assert "on a large case" in gradient["visible"].output and "numerical gradient" in gradient["visible"].output
    # The control: where no hidden check runs (a student's own machine), no work case runs either,
    # and the same trick passes every check it meets.
    public, _ = grade_timed(armed, zygote, assignment="layers", public_only=True)
    assert all(t.status == "passed" for t in public.tests if t.function == "affine_backward")
