"""The mistakes students make in each exercise, computed on the case's own inputs.

`forward_candidates(case)` and `gradient_candidates(case)` return wrong answers with the hint for
a student whose result equals one of them, and the mistake's id (grader.diagnosis.mistake_ids).
Only computed when a check has already failed.
"""
from __future__ import annotations

import numpy as np

from .shapes import broadcast_axes
from .values import Candidate

# What to do when an exercise returns NaN or inf on large inputs, and the id of that mistake.
STABILITY_HINTS = {
    "softmax": "Subtract each row's max from the scores before exp (the softmax is unchanged and exp can no "
               "longer overflow), and take log-probabilities as shifted - log(sum(exp(shifted))) rather than "
               "log(probs): a probability that underflows to 0 gives log of 0 = -inf.",
    "sigmoid": "For large |x| one of exp(x), exp(-x) overflows: use 1 / (1 + exp(-x)) for x >= 0 and "
               "exp(x) / (1 + exp(x)) for x < 0, or np.exp(-np.logaddexp(0, -x)).",
    "batchnorm": "A feature can have zero variance (a constant column, or every column when N = 1): divide by np.sqrt(var + eps), never by np.sqrt(var).",
}
STABILITY_MISTAKES = {"softmax": "softmax_overflow", "sigmoid": "sigmoid_overflow",
                      "batchnorm": "batchnorm_zero_variance"}

# A finite but huge-spread softmax: the max shift was done, but log(probs) of an underflowed 0.
LOG_SUM_EXP_HINT = ("The loss is inf when the scores of a row are far apart: after the max shift, exp of a very "
                    "negative score underflows to 0, and -log(0) is inf. Compute log-probabilities with "
                    "log-sum-exp instead of log(probs): log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, "
                    "keepdims=True)), then loss = -log_probs[np.arange(N), y].mean().")


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
        return [Candidate(x @ a["w"], "out is missing the bias: out = x @ w + b.", "affine_missing_bias")]
    if name == "batchnorm":
        x, gamma, beta = a["x"], a["gamma"], a["beta"]
        eps = case.extras[0].get("eps", 1e-5)
        mean = x.mean(axis=0)
        ignored = ([Candidate(gamma * (x - mean) / np.sqrt(x.var(axis=0) + 1e-5) + beta,
                              "Use eps = bn_param.get('eps', 1e-5): this call's bn_param sets another eps.",
                              "eps_ignored")] if eps != 1e-5 else [])
        return [
            *ignored,
            Candidate(gamma * (x - mean) / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta,
                      "Use the biased batch variance x.var(axis=0) (divide by N, not N - 1).",
                      "batchnorm_unbiased_var"),
            Candidate(gamma * (x - mean) / (x.std(axis=0) + eps) + beta,
                      "Put eps inside the square root: (x - mean) / np.sqrt(var + eps).",
                      "batchnorm_eps_outside_sqrt"),
            Candidate(gamma * (x - mean) / np.sqrt(x.var(axis=0) + eps), "out is missing beta: out = gamma * x_hat + beta.",
                      "batchnorm_missing_beta"),
        ]
    if name == "relu":
        return [Candidate((a["x"] > 0).astype(float), "out is the mask (1 where x > 0), which is relu_backward's "
                          "local gradient: relu_forward returns the values themselves, out = np.maximum(0, x).",
                          "relu_forward_mask")]
    if name == "sigmoid":
        return [Candidate(1.0 / (1.0 + np.exp(np.clip(a["x"], -700, 700))),
                          "sigmoid(x) = 1 / (1 + exp(-x)): check the sign inside exp.", "sigmoid_sign")]
    if name == "softmax":
        x, y = a["x"], case.extras[0]
        log_p = np.log(np.maximum(_softmax(x), 1e-300))
        rows = np.arange(x.shape[0])
        return [Candidate(np.asarray(-log_p[rows, y - 1].mean()), _ONE_BASED, "softmax_labels_one_based")]
    if name == "sum":
        x, (axis, keepdims) = a["x"], case.extras
        if keepdims:
            return [Candidate(x.sum(axis=axis), "Pass keepdims on to np.sum: sum(x, axis, keepdims=keepdims).",
                              "sum_keepdims_ignored")]
    return []


_ONE_BASED = ("Labels y are 0-based class indices (0 .. C - 1): index with y itself, not y - 1 or y + 1.")


def gradient_candidates(case) -> dict[str, list[Candidate]]:
    """Wrong gradients by gradient name ("dx", "dw", ...)."""
    name, a, dout = case.exercise.name, case.arrays, case.dout
    if name in ("add", "mul", "max", "pow"):
        return _binary_candidates(case)
    if name == "exp":
        return {"dx": [Candidate(dout, "The local gradient of exp(x) is exp(x): dx = dout * exp(x).",
                                 "missing_local_gradient"),
                       Candidate(dout * a["x"], "The local gradient of exp(x) is exp(x) itself, not x.",
                                 "exp_gradient_x"),
                       Candidate(np.exp(dout), "dx = dout * exp(x): the exp belongs to the input x (your cache), "
                                               "not to dout.", "exp_of_dout"),
                       Candidate(np.exp(dout) * np.exp(a["x"]), "dx = dout * exp(x): multiply by dout, don't "
                                                                "take exp of it.", "exp_of_dout")]}
    if name == "sigmoid":
        s = _sigmoid(a["x"])
        return {"dx": [Candidate(dout * s, "The derivative of the sigmoid is s * (1 - s), where s = sigmoid(x).",
                                 "sigmoid_derivative_s"),
                       Candidate(dout * a["x"] * (1 - a["x"]),
                                 "Apply s * (1 - s) to the sigmoid's output s, not to the input x.", "sigmoid_on_input"),
                       Candidate(dout * (1 - s), "The derivative of the sigmoid is s * (1 - s): you have only (1 - s).",
                                 "sigmoid_one_minus_s")]}
    if name == "relu":
        return {"dx": [Candidate(dout * np.maximum(a["x"], 0.0),
                                 "ReLU's local gradient is 1 where x > 0 and 0 elsewhere, not the output itself.",
                                 "relu_output_as_mask"),
                       Candidate(dout * (dout > 0), "The mask comes from the forward's input: dx = dout * (x > 0), "
                                                    "with x from the cache, not dout > 0.", "relu_mask_from_dout")]}
    if name == "softmax":
        return {"dx": _softmax_candidates(case)}
    if name == "batchnorm":
        x = a["x"]
        eps = case.extras[0].get("eps", 1e-5)
        inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
        x_hat = (x - x.mean(axis=0)) * inv_std
        n = x.shape[0]
        without_gamma = inv_std / n * (n * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
        return {"dx": [Candidate(without_gamma, "dx is missing gamma: out = gamma * x_hat + beta, so the gradient "
                                                "reaching x_hat is gamma * dout.", "missing_gamma")]}
    return {}


def _softmax_candidates(case) -> list[Candidate]:
    x, y = case.arrays["x"], case.extras[0]
    n, c = x.shape
    p = _softmax(x)
    every_row = np.zeros_like(p)
    every_row[:, np.unique(y)] = 1.0      # dx[:, y] -= 1 subtracts once per distinct label, in every row
    return [
        Candidate(p / n, "Subtract 1 at each example's correct class: dx = (p - one_hot(y)) / N.",
                  "softmax_missing_onehot"),
        Candidate((p - np.eye(c)[y]) * -1 / n, "dx has the wrong sign: dx = (p - one_hot(y)) / N.", "dx_sign"),
        Candidate((p - every_row) / n, "dx[:, y] -= 1 subtracts 1 in every row at every label's column: subtract "
                                       "only at each example's own class, dx[np.arange(N), y] -= 1.",
                  "softmax_onehot_all_rows"),
        Candidate((p - np.eye(c)[y - 1]) / n, _ONE_BASED, "softmax_labels_one_based"),
    ]


def _binary_candidates(case) -> dict[str, list[Candidate]]:
    """Swapped or incomplete local gradients of a * b and a ** b, summed to each input's shape."""
    a, b, dout = case.arrays["a"], case.arrays["b"], case.dout
    if case.exercise.name == "mul":
        return {"da": [Candidate(_sum_to(dout * a, a.shape),
                                 "da is dout * b: the local gradient of a * b with respect to a is b.", "mul_swapped")],
                "db": [Candidate(_sum_to(dout * b, b.shape),
                                 "db is dout * a: the local gradient of a * b with respect to b is a.", "mul_swapped")]}
    if case.exercise.name == "pow":
        return {"da": [Candidate(_sum_to(dout * b * a ** b, a.shape),
                                 "da = dout * b * a ** (b - 1): the exponent drops by one.", "pow_exponent")],
                "db": [Candidate(_sum_to(dout * a ** b, b.shape),
                                 "db = dout * a ** b * log(a): don't forget the log(a).", "pow_missing_log")]}
    return {}
