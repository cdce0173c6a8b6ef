"""The gates assignment: add, mul, max, pow (broadcasting binary ops), exp and sum."""
from __future__ import annotations

import numpy as np

from .base import Exercise


def _binary(low: float, high: float):
    """Inputs a and b drawn uniformly, with shapes config['a'] and config['b']."""
    def make(rng: np.random.Generator, config: dict):
        a = rng.uniform(low, high, size=tuple(config["a"]))
        b = rng.uniform(low, high, size=tuple(config["b"]))
        return {"a": np.asarray(a, dtype=np.float64), "b": np.asarray(b, dtype=np.float64)}, ()
    return make


def _max_inputs(rng: np.random.Generator, config: dict):
    """a and b on interleaved grids (a = k + [0, .3], b = k + [.5, .8]): never within .2 of a tie,
    so numerical gradients never straddle the kink. Ties are tested on their own."""
    a = rng.integers(-3, 3, size=tuple(config["a"])) + rng.uniform(0.0, 0.3, size=tuple(config["a"]))
    b = rng.integers(-3, 3, size=tuple(config["b"])) + rng.uniform(0.5, 0.8, size=tuple(config["b"]))
    return {"a": np.asarray(a, dtype=np.float64), "b": np.asarray(b, dtype=np.float64)}, ()


def _pow_inputs(rng: np.random.Generator, config: dict):
    """a > 0 (a ** b and log(a) must be defined), b of either sign."""
    a = rng.uniform(0.5, 2.0, size=tuple(config["a"]))
    b = rng.uniform(-2.0, 2.0, size=tuple(config["b"]))
    return {"a": np.asarray(a, dtype=np.float64), "b": np.asarray(b, dtype=np.float64)}, ()


def _exp_inputs(rng: np.random.Generator, config: dict):
    return {"x": np.asarray(rng.normal(size=tuple(config["x"])), dtype=np.float64)}, ()


def _sum_inputs(rng: np.random.Generator, config: dict):
    axis = config.get("axis")
    axis = tuple(axis) if isinstance(axis, list) else axis
    x = np.asarray(rng.normal(size=tuple(config["x"])), dtype=np.float64)
    return {"x": x}, (axis, bool(config.get("keepdims", False)))


EXERCISES = [
    Exercise("add", "gates", "add_forward", "add_backward", ("a", "b"), _binary(-2.0, 2.0),
             edge_kind="broadcast", broadcast=("a", "b")),
    Exercise("mul", "gates", "mul_forward", "mul_backward", ("a", "b"), _binary(-2.0, 2.0),
             edge_kind="broadcast", broadcast=("a", "b")),
    Exercise("max", "gates", "max_forward", "max_backward", ("a", "b"), _max_inputs,
             extra_checks=frozenset({"convention"}), edge_kind="broadcast", broadcast=("a", "b")),
    Exercise("pow", "gates", "pow_forward", "pow_backward", ("a", "b"), _pow_inputs,
             edge_kind="broadcast", broadcast=("a", "b")),
    Exercise("exp", "gates", "exp_forward", "exp_backward", ("x",), _exp_inputs,
             edge_kind="shapes"),
    Exercise("sum", "gates", "sum_forward", "sum_backward", ("x",), _sum_inputs,
             edge_kind="axes"),
]
