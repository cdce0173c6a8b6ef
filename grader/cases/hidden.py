"""Hidden case configurations: shapes drawn fresh from the submission's seed.

Main cases get random sizes; edge cases are the public edge shapes plus some only the hidden set
has. Never shipped to students (see `grade release`).
"""
from __future__ import annotations

import numpy as np

MAIN_CASES = 3

# Edge shapes only the hidden set checks, by exercise (public ones come from public_cases.json).
EXTRA_EDGES: dict[str, list[dict]] = {
    "add": [{"a": [4, 1, 3], "b": [2, 1]}, {"a": [1], "b": [3, 2]}],
    "mul": [{"a": [4, 1, 3], "b": [2, 1]}, {"a": [2, 3], "b": [1]}],
    "max": [{"a": [4, 1, 3], "b": [2, 1]}, {"a": [1, 1], "b": [3]}],
    "pow": [{"a": [4, 1, 3], "b": [2, 1]}, {"a": [3, 2], "b": []}],
    "exp": [{"x": [1, 1, 1]}, {"x": [2, 1, 3]}],
    "sum": [{"x": [2, 3, 4, 5], "axis": [1, -1], "keepdims": False},
            {"x": [3, 1, 4], "axis": 1, "keepdims": False}],
    "affine": [{"N": 2, "dims": [3, 2, 2], "M": 1}, {"N": 3, "dims": [3], "M": 3}],
    "relu": [{"x": [1, 5]}, {"x": [2, 3, 2, 2]}],
    "sigmoid": [{"x": [1, 1]}, {"x": [2, 3, 2]}],
    "softmax": [{"N": 2, "C": 7}, {"N": 6, "C": 2}],
    "batchnorm": [{"N": 3, "D": 3}, {"N": 5, "D": 1, "eps": 1e-3}],
}


def main_configs(exercise_name: str, rng: np.random.Generator) -> list[dict]:
    """MAIN_CASES fresh configurations of the exercise's usual (non-edge) kind."""
    def size(low=2, high=7):
        return int(rng.integers(low, high))
    configs = []
    for _ in range(MAIN_CASES):
        if exercise_name in ("add", "mul", "max", "pow"):
            shape = [size() for _ in range(int(rng.integers(1, 4)))]
            configs.append({"a": shape, "b": shape})
        elif exercise_name in ("exp", "relu", "sigmoid"):
            configs.append({"x": [size() for _ in range(int(rng.integers(1, 4)))]})
        elif exercise_name == "sum":
            ndim = int(rng.integers(2, 4))
            configs.append({"x": [size() for _ in range(ndim)], "axis": int(rng.integers(0, ndim)),
                            "keepdims": False})
        elif exercise_name == "affine":
            configs.append({"N": size(), "dims": [size() for _ in range(int(rng.integers(1, 3)))], "M": size()})
        elif exercise_name == "softmax":
            configs.append({"N": size(3, 9), "C": size(3, 9)})
        elif exercise_name == "batchnorm":
            configs.append({"N": size(4, 12), "D": size(2, 6)})
        else:
            raise KeyError(exercise_name)
    return configs
