"""Chain-rule paths: which part of a gradient is missing, has the wrong sign, or is scaled wrong.

Where a value reaches the output along several paths (batchnorm's x: directly, through the batch
mean, through the batch variance; softmax's scores: through p and through the -one_hot term), the
reference gradient is the sum of one array per path, which the exercise's hidden declaration
computes (grader.exercises.base.ChainRule). A student's gradient that is a combination
c1 * path1 + c2 * path2 + ... of them (fitted by least squares on the case) tells which path their
code gets wrong: c = 0 missing, c = -1 wrong sign, c = N or 1/N an averaging mistake. Gradients
add where a value is used twice, and this turns that rule into feedback about *their* code.
"""
from __future__ import annotations

import numpy as np

from ..compare import norm
from ..exercises.base import Path

# The fit must explain the student's gradient this well before a path is blamed.
FIT_TOLERANCE = 1e-6
COEFFICIENT_TOLERANCE = 1e-4


def fit(student: np.ndarray, paths: list[Path]) -> np.ndarray | None:
    """Coefficients c with student == sum(c_i * path_i), or None if no combination explains it."""
    basis = np.stack([p.value.ravel() for p in paths], axis=1)
    if np.linalg.matrix_rank(basis) < len(paths):
        return None           # paths that coincide on this case (N = 1): no path can be blamed
    target = np.asarray(student, dtype=np.float64).ravel()
    coefficients, *_ = np.linalg.lstsq(basis, target, rcond=None)
    residual = norm(basis @ coefficients - target)
    if not residual <= FIT_TOLERANCE * max(norm(target), 1e-12):
        return None
    return coefficients


def fit_columns(student: np.ndarray, paths: list[Path]) -> np.ndarray | None:
    """Coefficients c[j, i] with student[:, j] == sum(c[j, i] * path_i[:, j]) for every column j,
    or None. Only where each column has at least two more rows than there are paths, so that a
    fit is evidence, not a solution any column would have."""
    student = np.asarray(student, dtype=np.float64)
    if student.ndim != 2 or any(p.value.shape != student.shape for p in paths) \
            or student.shape[0] < len(paths) + 2:
        return None
    rows = []
    for j in range(student.shape[1]):
        column = fit(student[:, j], [Path(p.name, p.value[:, j], p.missing_hint, p.mistake) for p in paths])
        if column is None:
            return None
        rows.append(column)
    return np.array(rows)


def diagnose(case, grad_name: str, student: np.ndarray, paths: list[Path],
             only_direct: tuple[str, str] | None = None, per_column: bool = False) -> tuple[str, str] | None:
    """(hint, mistake) naming the wrong chain-rule path of `student`, given the gradient's `paths`
    on this case (the direct path first), or None. `only_direct` = (mistake, hint opening) names a
    gradient that is the direct path alone; `per_column`: the columns are independent, so a path
    may also be off by a factor that differs from column to column."""
    if not paths:
        return None
    coefficients = fit(student, paths)
    if coefficients is None and per_column:
        return _diagnose_columns(grad_name, student, paths)
    if coefficients is None:
        return None
    wrong = [(p, float(c)) for p, c in zip(paths, coefficients) if abs(c - 1) > COEFFICIENT_TOLERANCE]
    if not wrong or len(wrong) == len(paths):
        return None           # all paths off by the same factor: the generic scale hint says it better
    n = case.batch_size or 1
    missing = [p for p, c in wrong if abs(c) <= COEFFICIENT_TOLERANCE]
    only_direct_left = [id(p) for p, _ in wrong] == [id(p) for p in missing] == [id(p) for p in paths[1:]]
    if only_direct is not None and len(paths) > 2 and only_direct_left:
        mistake, hint = only_direct[0], only_direct[1].format(grad=grad_name)
    else:
        mistake = _mistake(wrong, missing)
        parts = [f"{p.name} {_describe(c, n)}" for p, c in wrong]
        hint = f"{grad_name} is the sum of its chain-rule paths, and in yours " + "; ".join(parts) + ". "
    hint += " ".join(p.missing_hint[0].upper() + p.missing_hint[1:] for p, _ in wrong)
    hint += " Gradients add where a value is used twice."
    return hint, mistake


def _describe(c: float, n: int) -> str:
    if abs(c) <= COEFFICIENT_TOLERANCE:
        return "is missing"
    if abs(c + 1) <= COEFFICIENT_TOLERANCE:
        return "has the wrong sign"
    for factor, words in ((n, f"is {n} times too large (N = {n})"), (1 / n, f"is {n} times too small (N = {n})"),
                          (-n, f"is {n} times too large and has the wrong sign (N = {n})")):
        if n > 1 and abs(c - factor) <= COEFFICIENT_TOLERANCE * max(1.0, abs(factor)):
            return words
    return f"is {c:.3g} times what it should be"


def _mistake(wrong, missing) -> str:
    path = wrong[0][0]
    if any(path is m for m in missing) and path.missing_mistake:
        return path.missing_mistake
    return path.mistake


def _diagnose_columns(grad_name: str, student: np.ndarray, paths: list[Path]) -> tuple[str, str] | None:
    """A gradient whose paths fit column by column with factors that change from column to column:
    the paths with such factors are named (a per-feature quantity missing or extra in them)."""
    columns = fit_columns(student, paths)
    if columns is None:
        return None
    off = [(p, columns[:, i]) for i, p in enumerate(paths) if np.any(np.abs(columns[:, i] - 1) > COEFFICIENT_TOLERANCE)]
    varying = [(p, c) for p, c in off if np.ptp(c) > COEFFICIENT_TOLERANCE * max(1.0, float(np.max(np.abs(c))))]
    if not varying or len(off) == len(paths):
        return None           # a constant factor was fitted above already; every path off: a shared factor
    names = " and ".join(p.name for p, _ in varying)
    hint = (f"{grad_name} is the sum of its chain-rule paths, and in yours {names} "
            f"{'is' if len(varying) == 1 else 'are'} off by a factor that changes from feature to feature, while "
            "the other paths are right: a per-feature quantity (1 / std, std, var, gamma) is missing from that "
            "path, extra, or raised to the wrong power. ")
    hint += " ".join(p.missing_hint[0].upper() + p.missing_hint[1:] for p, _ in varying)
    return hint, varying[0][0].mistake
