"""The mistakes students make in each exercise, computed on the case's own inputs.

`forward_candidates(case)` and `gradient_candidates(case)` return wrong answers with the hint for
a student whose result equals one of them. Only computed when a check has already failed.
"""
from __future__ import annotations

import numpy as np

from .shapes import broadcast_axes
from .values import Candidate

# What to do when an exercise returns NaN or inf on large inputs.
STABILITY_HINTS = {
    "softmax": "Subtract each row's max from the scores before exp (the softmax is unchanged and exp can no "
               "longer overflow), and take log-probabilities as shifted - log(sum(exp(shifted))) rather than "
               "log(probs): a probability that underflows to 0 gives log of 0 = -inf.",
    "sigmoid": "For large |x| one of exp(x), exp(-x) overflows: use 1 / (1 + exp(-x)) for x >= 0 and "
               "exp(x) / (1 + exp(x)) for x < 0, or np.exp(-np.logaddexp(0, -x)).",
    "batchnorm": "A feature can have zero variance (a constant column, or every column when N = 1): divide by np.sqrt(var + eps), never by np.sqrt(var).",
}


def _sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def _softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _sum_to(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a broadcast gradient back to `shape` (the correct unbroadcast, for building candidates)."""
    leading, stretched = broadcast_axes(tuple(shape), grad.shape)
    return grad.sum(axis=stretched, keepdims=True).sum(axis=leading)


def forward_candidates(case) -> list[Candidate]:
    name, a = case.exercise.name, case.arrays
    if name == "affine":
        x = a["x"].reshape(a["x"].shape[0], -1)
        return [Candidate(x @ a["w"], "out is missing the bias: out = x @ w + b.")]
    if name == "batchnorm":
        x, gamma, beta = a["x"], a["gamma"], a["beta"]
        eps = case.extras[0].get("eps", 1e-5)
        mean = x.mean(axis=0)
        return [
            Candidate(gamma * (x - mean) / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta,
                      "Use the biased batch variance x.var(axis=0) (divide by N, not N - 1)."),
            Candidate(gamma * (x - mean) / (x.std(axis=0) + eps) + beta,
                      "Put eps inside the square root: (x - mean) / np.sqrt(var + eps)."),
            Candidate(gamma * (x - mean) / np.sqrt(x.var(axis=0) + eps), "out is missing beta: out = gamma * x_hat + beta."),
        ]
    if name == "sigmoid":
        return [Candidate(1.0 / (1.0 + np.exp(np.clip(a["x"], -700, 700))),
                          "sigmoid(x) = 1 / (1 + exp(-x)): check the sign inside exp.")]
    return []


def gradient_candidates(case) -> dict[str, list[Candidate]]:
    """Wrong gradients by gradient name ("dx", "dw", ...)."""
    name, a, dout = case.exercise.name, case.arrays, case.dout
    if name in ("add", "mul", "max", "pow"):
        return _binary_candidates(case)
    if name == "exp":
        return {"dx": [Candidate(dout, "The local gradient of exp(x) is exp(x): dx = dout * exp(x)."),
                       Candidate(dout * a["x"], "The local gradient of exp(x) is exp(x) itself, not x.")]}
    if name == "sigmoid":
        s = _sigmoid(a["x"])
        return {"dx": [Candidate(dout * s, "The derivative of the sigmoid is s * (1 - s), where s = sigmoid(x)."),
                       Candidate(dout * a["x"] * (1 - a["x"]),
                                 "Apply s * (1 - s) to the sigmoid's output s, not to the input x."),
                       Candidate(dout * (1 - s), "The derivative of the sigmoid is s * (1 - s): you have only (1 - s).")]}
    if name == "relu":
        return {"dx": [Candidate(dout * np.maximum(a["x"], 0.0),
                                 "ReLU's local gradient is 1 where x > 0 and 0 elsewhere, not the output itself.")]}
    if name == "softmax":
        x, y = a["x"], case.extras[0]
        n = x.shape[0]
        return {"dx": [Candidate(_softmax(x) / n, "Subtract 1 at each example's correct class: dx = (p - one_hot(y)) / N."),
                       Candidate((_softmax(x) - np.eye(x.shape[1])[y]) * -1 / n,
                                 "dx has the wrong sign: dx = (p - one_hot(y)) / N.")]}
    if name == "batchnorm":
        x, gamma = a["x"], a["gamma"]
        eps = case.extras[0].get("eps", 1e-5)
        inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
        return {"dx": [Candidate(dout * gamma * inv_std,
                                 "dx is missing the paths through the batch mean and variance: x affects the output "
                                 "also through mean and var, and gradients add where a value is used twice.")]}
    return {}


def _binary_candidates(case) -> dict[str, list[Candidate]]:
    """Swapped or incomplete local gradients of a * b and a ** b, summed to each input's shape."""
    a, b, dout = case.arrays["a"], case.arrays["b"], case.dout
    if case.exercise.name == "mul":
        return {"da": [Candidate(_sum_to(dout * a, a.shape),
                                 "da is dout * b: the local gradient of a * b with respect to a is b.")],
                "db": [Candidate(_sum_to(dout * b, b.shape),
                                 "db is dout * a: the local gradient of a * b with respect to b is a.")]}
    if case.exercise.name == "pow":
        return {"da": [Candidate(_sum_to(dout * b * a ** b, a.shape),
                                 "da = dout * b * a ** (b - 1): the exponent drops by one.")],
                "db": [Candidate(_sum_to(dout * a ** b, b.shape),
                                 "db = dout * a ** b * log(a): don't forget the log(a).")]}
    return {}
