"""Chain-rule paths: which part of a gradient is missing, has the wrong sign, or is scaled wrong.

Where a value reaches the output along several paths (batchnorm's x: directly, through the batch
mean, through the batch variance; softmax's scores: through p and through the -one_hot term), the
reference gradient is the sum of one array per path. A student's gradient that is a combination
c1 * path1 + c2 * path2 + ... of them (fitted by least squares on the case) tells which path their
code gets wrong: c = 0 missing, c = -1 wrong sign, c = N or 1/N an averaging mistake. Gradients
add where a value is used twice, and this turns that rule into feedback about *their* code.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..compare import norm

# The fit must explain the student's gradient this well before a path is blamed.
FIT_TOLERANCE = 1e-6
COEFFICIENT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Path:
    name: str             # "the path through the batch mean"
    value: np.ndarray     # this path's share of the reference gradient
    missing_hint: str     # what that path is, for a student whose gradient lacks it
    mistake: str          # the id when this path is wrong (missing, sign, factor)
    missing_mistake: str | None = None   # a more specific id when it is missing altogether


def batchnorm_dx_paths(case) -> list[Path]:
    x, gamma, dout = case.arrays["x"], case.arrays["gamma"], case.dout
    eps = case.extras[0].get("eps", 1e-5)
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    g = gamma * dout                     # the gradient reaching x_hat
    return [
        Path("the direct path (x -> x_hat)", g * inv_std,
             "the direct path is dout * gamma / std.", "direct_path_wrong"),
        Path("the path through the batch mean", -inv_std * g.mean(axis=0) * np.ones_like(x),
             "the mean depends on every x_i, so x also reaches the output through x - mean: that path adds "
             "-mean(dout * gamma, axis=0) / std.", "mean_path_wrong", "missing_mean_path"),
        Path("the path through the batch variance", -inv_std * x_hat * (g * x_hat).mean(axis=0),
             "the variance depends on every x_i too: that path adds -x_hat * mean(dout * gamma * x_hat, axis=0) / std "
             "(through d var / dx = 2 (x - mean) / N).", "var_path_wrong", "missing_var_path"),
    ]


def softmax_dx_paths(case) -> list[Path]:
    x, y = case.arrays["x"], case.extras[0]
    n, c = x.shape
    shifted = x - x.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return [
        Path("the softmax term p / N", p / n, "the loss depends on every score through the softmax's "
             "normaliser: dx starts from p / N.", "softmax_prob_path_scaled"),
        Path("the -one_hot(y) / N term", -np.eye(c)[y] / n, "the correct class's score also enters the loss "
             "directly: subtract 1 at dx[np.arange(N), y], then divide everything by N.",
             "softmax_onehot_scaled", "softmax_missing_onehot"),
    ]


PATHS = {("batchnorm", "dx"): batchnorm_dx_paths, ("softmax", "dx"): softmax_dx_paths}


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


def diagnose(case, grad_name: str, student: np.ndarray) -> tuple[str, str] | None:
    """(hint, mistake) naming the wrong chain-rule path of `student`, or None."""
    make = PATHS.get((case.exercise.name, grad_name))
    if make is None:
        return None
    paths = make(case)
    coefficients = fit(student, paths)
    if coefficients is None:
        return None
    wrong = [(p, float(c)) for p, c in zip(paths, coefficients) if abs(c - 1) > COEFFICIENT_TOLERANCE]
    if not wrong or len(wrong) == len(paths):
        return None           # all paths off by the same factor: the generic scale hint says it better
    n = case.batch_size or 1
    missing = [p for p, c in wrong if abs(c) <= COEFFICIENT_TOLERANCE]
    mistake = _mistake(wrong, missing, case.exercise.name)
    if mistake == "missing_mean_var_paths":
        hint = (f"{grad_name} is only the direct path: the paths through the batch mean and variance are "
                "missing. ")
    else:
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


def _mistake(wrong, missing, exercise: str) -> str:
    if exercise == "batchnorm" and len(missing) == 2 and len(wrong) == 2:
        return "missing_mean_var_paths"
    path = wrong[0][0]
    if path in missing and path.missing_mistake:
        return path.missing_mistake
    return path.mistake
