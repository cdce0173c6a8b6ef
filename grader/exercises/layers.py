"""The layers assignment (Stanford CS231n API): affine, ReLU, sigmoid, softmax loss, batchnorm."""
from __future__ import annotations

import numpy as np

from .base import Exercise


def _affine_inputs(rng: np.random.Generator, config: dict):
    """x (N, *dims) flattens to (N, D); w (D, M); b (M,)."""
    n, dims, m = config["N"], tuple(config["dims"]), config["M"]
    d = int(np.prod(dims))
    return {
        "x": rng.normal(size=(n, *dims)),
        "w": rng.normal(size=(d, m)) / np.sqrt(d),
        "b": rng.normal(size=(m,)),
    }, ()


def _away_from_zero(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Normal values with |x| >= 0.1, so no numerical gradient straddles ReLU's kink."""
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < 0.1, np.sign(x + 1e-12) * (0.1 + np.abs(x)), x)


def _relu_inputs(rng: np.random.Generator, config: dict):
    return {"x": _away_from_zero(rng, tuple(config["x"]))}, ()


def _sigmoid_inputs(rng: np.random.Generator, config: dict):
    return {"x": 2.0 * rng.normal(size=tuple(config["x"]))}, ()


def _softmax_inputs(rng: np.random.Generator, config: dict):
    n, c = config["N"], config["C"]
    x = rng.normal(size=(n, c)) + config.get("offset", 0.0)
    y = rng.integers(0, c, size=n).astype(np.int64)
    return {"x": x}, (y,)


def _batchnorm_inputs(rng: np.random.Generator, config: dict):
    """x with per-feature scale and shift (so normalising matters); train mode unless configured."""
    n, d = config["N"], config["D"]
    x = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + rng.normal(size=d) * 2
    for column in config.get("constant_features", []):
        x[:, column] = 1.5
    bn_param = {"mode": config.get("mode", "train")}
    for key in ("eps", "momentum"):
        if key in config:
            bn_param[key] = config[key]
    return {"x": x, "gamma": rng.normal(size=d) + 1.0, "beta": rng.normal(size=d)}, (bn_param,)


EXERCISES = [
    Exercise("affine", "layers", "affine_forward", "affine_backward", ("x", "w", "b"), _affine_inputs,
             broadcast=("b",)),
    Exercise("relu", "layers", "relu_forward", "relu_backward", ("x",), _relu_inputs,
             extra_checks=frozenset({"convention"})),
    Exercise("sigmoid", "layers", "sigmoid_forward", "sigmoid_backward", ("x",), _sigmoid_inputs,
             extra_checks=frozenset({"stability"})),
    Exercise("softmax", "layers", "softmax_loss", None, ("x",), _softmax_inputs,
             extra_checks=frozenset({"stability"})),
    Exercise("batchnorm", "layers", "batchnorm_forward", "batchnorm_backward", ("x", "gamma", "beta"),
             _batchnorm_inputs, extra_checks=frozenset({"stability", "state"}), broadcast=("gamma", "beta")),
]
