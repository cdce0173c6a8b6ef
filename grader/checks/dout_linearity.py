"""Whether a wrong gradient is linear in dout, proven by running the student's backward.

Every term of a gradient is a local derivative times (a part of) the gradient flowing in: dout
itself, a sum of dout over the batch, dout times the normalised input. So a right backward gives 0
at dout = 0, and twice its gradient at 2 * dout. A student's gradient that breaks this says what
kind of slip it holds, whatever the exercise and however far the rest is from right:
- not 0 at dout = 0: a term without dout (a constant 1 where sum(dout) belongs, an input where
  sum(dout * x_hat) belongs);
- four times larger at 2 * dout: dout multiplied in twice (dx = dx_hat * (... dx_hat ...)).
A gradient whose row i changes with dout's row i alone (per_example) is proven the same way, with
only dout's first, then only its last, row changed: where the right gradient gathers dout over the
batch (the exercise declares what that is, ChainRule.per_example), the terms through the other
examples are missing.
Their backward is run on a fresh forward's cache for each dout (a backward may change its cache), on
the diagnoses' own worker, and the run on the case's own dout must give the result the failed check
saw: a backward that is not repeatable proves nothing.
"""
from __future__ import annotations

import numpy as np

from ..compare import allclose, norm
from ..course import ReferenceMissing
from ..diagnosis.mistake_ids import value_mistake
from ..exercises.base import Case
from .common import Context, Failed, backward_call, forward_call, gradients
from ..oracle import row_changed

# Below this share of the gradient's size, a value at dout = 0 is rounding, not a term.
ZERO_TOLERANCE = 1e-9


def explain(ctx: Context, case: Case, index: int, grad_name: str, student: np.ndarray) -> tuple[str, str] | None:
    """(hint, mistake id) when the student's gradient `index` (`student`, as the failed check saw
    it) is not linear in dout; None when it is, or when it cannot be told."""
    exercise = case.exercise
    if exercise.is_loss or case.dout is None:
        return None
    scales = (0.0, 1.0, 2.0)
    calls = []
    for k, scale in enumerate(scales):
        douts = tuple(np.asarray(d, dtype=np.float64) * scale for d in case.douts)
        calls += [forward_call(case, save_as=f"linearity{k}"), backward_call(case, f"linearity{k}", douts=douts)]
    outcomes = ctx.run_aside(calls)
    try:
        at_zero, once, twice = (np.asarray(gradients(outcomes[2 * k + 1], case)[index], dtype=np.float64)
                                for k in range(len(scales)))
    except (Failed, IndexError):
        return None
    if not all(np.all(np.isfinite(g)) for g in (at_zero, once, twice)) or once.shape != np.shape(student) \
            or not allclose(once, student):
        return None
    size = max(norm(once), norm(twice), 1e-300)
    if norm(at_zero) > ZERO_TOLERANCE * size:
        return (f"With dout = 0 your {grad_name} is not 0: a term of it does not involve dout. Every term of a "
                "gradient is a local derivative times the gradient flowing in (dout itself, a sum of dout over the "
                "batch, dout times an input): look for a term with a constant (1, N) or an input where a sum of dout "
                "belongs."), value_mistake(grad_name, "term_without_dout")
    if norm(once) > 0 and allclose(twice, 4 * once) and not allclose(twice, 2 * once):
        return (f"Your {grad_name} grows as dout squared (twice the dout makes it four times larger): the gradient "
                "flowing in is multiplied in twice. Multiply by dout, or by what you computed from it (such as "
                "dx_hat = dout * gamma), once; every other factor is a local derivative."), value_mistake(grad_name, "dout_twice")
    return None


def per_example(ctx: Context, case: Case, index: int, grad_name: str, student: np.ndarray) -> tuple[str, str] | None:
    """The exercise's (hint, mistake id) for a gradient `index` whose rows each use dout's own row alone
    (ChainRule.per_example): with only dout's first row changed, every other row of the student's
    gradient stays as it was, and with only its last row changed, every row but the last does; while
    the reference's gradient gathers dout over the batch (Oracle.per_example). None otherwise."""
    exercise = case.exercise
    if exercise.is_loss or not isinstance(case.dout, np.ndarray) or case.dout.ndim < 2 or case.dout.shape[0] < 2 \
            or np.shape(student)[:1] != case.dout.shape[:1]:
        return None
    try:
        declared = ctx.oracle.per_example(case, grad_name)
    except ReferenceMissing:
        return None
    if declared is None:
        return None
    last = case.dout.shape[0] - 1
    calls = []
    for k, dout in enumerate((case.dout, row_changed(case.dout, 0), row_changed(case.dout, last))):
        calls += [forward_call(case, save_as=f"per_example{k}"), backward_call(case, f"per_example{k}", douts=(dout,))]
    outcomes = ctx.run_aside(calls)
    try:
        same, first, final = (np.asarray(gradients(outcomes[2 * k + 1], case)[index], dtype=np.float64)
                              for k in range(3))
    except (Failed, IndexError):
        return None
    if same.shape != np.shape(student) or not allclose(same, student) or first.shape != same.shape \
            or final.shape != same.shape:
        return None
    rows = slice(1, None), slice(0, last)
    # the changed row itself must move (a gradient that ignores dout altogether is another reading's)
    if not (allclose(first[rows[0]], same[rows[0]]) and allclose(final[rows[1]], same[rows[1]])) \
            or allclose(first[0], same[0]) or allclose(final[last], same[last]):
        return None
    mistake, hint = declared
    return (f"Changing only dout's first row (or only its last) leaves every other row of your {grad_name} as it "
            f"was. {hint}"), mistake
