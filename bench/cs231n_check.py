"""A CS231n-style checker, for comparison only: what a course notebook's test cells do.

Forward: the relative error of the output against the reference's on the same inputs.
Backward: the full elementwise numerical gradient of the student's own forward
(`eval_numerical_gradient_array`, as in CS231n's gradient_check.py: two forward calls per input
element) against the student's backward, with CS231n's `rel_error`. A function is flagged when
an error exceeds THRESHOLD, when it raises, or when a gradient has the wrong shape.

It imports the file in this process: use it on trusted files only (the test corpus).
"""
from __future__ import annotations

import importlib.util
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

THRESHOLD = 1e-5       # CS231n's notebooks expect < 1e-7 for most layers, ~1e-8 for losses
STEP = 1e-5            # CS231n's h


def rel_error(x, y) -> float:
    """CS231n's: max |x - y| / max(1e-8, |x| + |y|)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))) if x.size else 0.0


def eval_numerical_gradient_array(f, x: np.ndarray, df: np.ndarray, h: float = STEP, counter=None) -> np.ndarray:
    """CS231n's: for each element, (f(x + h) - f(x - h)) . df / 2h; two calls of f per element."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        pos = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        neg = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        if counter is not None:
            counter[0] += 2
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


def calls_of_full_check(shapes: dict[str, tuple[int, ...]]) -> int:
    """Forward calls a full elementwise gradient check makes: 2 per element of every input."""
    return sum(2 * int(np.prod(shape)) for shape in shapes.values())


@dataclass
class Verdict:
    flagged: set[str] = field(default_factory=set)
    errors: dict[str, float] = field(default_factory=dict)     # the largest rel_error per function
    forward_calls: int = 0


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"cs231n_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_file(path: Path, exercises, cases_of, oracle) -> Verdict:
    """The CS231n-style verdict on every function of `exercises`, on the cases `cases_of(exercise)`."""
    verdict = Verdict()
    try:
        module = load_module(path)
    except Exception:  # noqa: BLE001 - a file that does not import fails everything
        verdict.flagged.update(f for ex in exercises for f in ex.functions)
        return verdict
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for exercise in exercises:
            for case in cases_of(exercise):
                _check_case(module, exercise, case, oracle, verdict)
    return verdict


def _note(verdict: Verdict, function: str, error: float) -> None:
    verdict.errors[function] = max(verdict.errors.get(function, 0.0), error)
    if not error <= THRESHOLD:          # NaN counts as flagged
        verdict.flagged.add(function)


def _check_case(module, exercise, case, oracle, verdict: Verdict) -> None:
    forward = getattr(module, exercise.forward, None)
    counter = [0]
    try:
        out, second = forward(*case.args())
        _note(verdict, exercise.forward, rel_error(out, oracle.forward(case)))
    except Exception:  # noqa: BLE001
        verdict.flagged.add(exercise.forward)
        if exercise.backward:
            verdict.flagged.add(exercise.backward)    # nothing to run it on; the notebook cell fails
        return
    gradient_of = exercise.backward or exercise.forward
    try:
        if exercise.is_loss:
            analytic = (second,)
            dout = np.array(1.0)
        else:
            analytic = getattr(module, exercise.backward)(case.dout.copy(), second)
            analytic = analytic if isinstance(analytic, tuple) else (analytic,)
            dout = case.dout
        for (name, x), dx in zip(case.arrays.items(), analytic, strict=True):
            x = x.copy()

            def f(value, name=name):
                return forward(*case.args(**{name: value}))[0]
            numeric = eval_numerical_gradient_array(f, x, dout, counter=counter)
            if np.shape(dx) != numeric.shape:
                verdict.flagged.add(gradient_of)
                continue
            _note(verdict, gradient_of, rel_error(dx, numeric))
    except Exception:  # noqa: BLE001 - returned None, the wrong arity, raised
        verdict.flagged.add(gradient_of)
    verdict.forward_calls += counter[0]
