"""The gates assignment's hidden half: hidden shapes and known mistakes. Never shipped to students.

Mistakes are wrong answers computed on the case's own inputs: a student whose result equals one of
them gets its hint and id.
"""
from __future__ import annotations

import numpy as np

from grader.declare import Hidden, Mistake, sum_to


def _size(rng: np.random.Generator, low: int = 2, high: int = 7) -> int:
    return int(rng.integers(low, high))


def _same_shapes(rng: np.random.Generator) -> dict:
    """a and b of one random shape (the broadcast shapes are the edge cases)."""
    shape = [_size(rng) for _ in range(int(rng.integers(1, 4)))]
    return {"a": shape, "b": shape}


def _any_shape(rng: np.random.Generator) -> dict:
    return {"x": [_size(rng) for _ in range(int(rng.integers(1, 4)))]}


def _sum_config(rng: np.random.Generator) -> dict:
    ndim = int(rng.integers(2, 4))
    return {"x": [_size(rng) for _ in range(ndim)], "axis": int(rng.integers(0, ndim)), "keepdims": False}


EXP_MISTAKES = (
    Mistake("missing_local_gradient", "dx", "The local gradient of exp(x) is exp(x): dx = dout * exp(x).",
            lambda c: c.dout),
    Mistake("exp_gradient_x", "dx", "The local gradient of exp(x) is exp(x) itself, not x.",
            lambda c: c.dout * c["x"]),
    Mistake("exp_of_dout", "dx", "dx = dout * exp(x): the exp belongs to the input x (your cache), not to dout.",
            lambda c: np.exp(c.dout)),
    Mistake("exp_of_dout", "dx", "dx = dout * exp(x): multiply by dout, don't take exp of it.",
            lambda c: np.exp(c.dout) * np.exp(c["x"])),
    Mistake("exp_of_output", "dx", "Your cache holds out = exp(x) already, and you take exp of it again: the local "
            "gradient is out itself, dx = dout * out.", lambda c: c.dout * np.exp(np.exp(c["x"]))),
)

MUL_MISTAKES = (
    Mistake("mul_swapped", "da", "da is dout * b: the local gradient of a * b with respect to a is b.",
            lambda c: sum_to(c.dout * c["a"], c["a"].shape)),
    Mistake("mul_swapped", "db", "db is dout * a: the local gradient of a * b with respect to b is a.",
            lambda c: sum_to(c.dout * c["b"], c["b"].shape)),
)

POW_MISTAKES = (
    Mistake("pow_exponent", "da", "da = dout * b * a ** (b - 1): the exponent drops by one.",
            lambda c: sum_to(c.dout * c["b"] * c["a"] ** c["b"], c["a"].shape)),
    Mistake("pow_exponent_precedence", "da", "b * a ** b - 1 subtracts 1 from the whole product: ** binds "
            "tighter than -, so write the exponent in parentheses, b * a ** (b - 1).",
            lambda c: sum_to(c.dout * (c["b"] * c["a"] ** c["b"] - 1), c["a"].shape)),
    Mistake("pow_exponent_precedence", "da", "dout * b * a ** b - 1 subtracts 1 from the whole product: ** binds "
            "tighter than -, so write the exponent in parentheses, dout * b * a ** (b - 1).",
            lambda c: sum_to(c.dout * c["b"] * c["a"] ** c["b"] - 1, c["a"].shape)),
    Mistake("pow_swapped", "da", "da = dout * b * a ** (b - 1): the exponent b comes down and the base a keeps its "
            "place; you have a and b swapped (a * b ** (a - 1)).",
            lambda c: sum_to(c.dout * c["a"] * c["b"] ** (c["a"] - 1), c["a"].shape)),
    Mistake("pow_total_derivative", "da", "da is the partial derivative with respect to a alone, b held fixed: "
            "b * a ** (b - 1). The a ** b * log(a) term is the partial with respect to b; it belongs in db only.",
            lambda c: sum_to(c.dout * (c["b"] * c["a"] ** (c["b"] - 1) + c["a"] ** c["b"] * np.log(c["a"])),
                             c["a"].shape)),
    Mistake("pow_log_of_exponent", "db", "db = dout * a ** b * log(a): the log is of the base a, not of the exponent "
            "b (d/db a ** b = a ** b * log(a); log(b) is NaN wherever b < 0).",
            lambda c: sum_to(c.dout * c["a"] ** c["b"] * np.log(c["b"]), c["b"].shape)),
    Mistake("pow_db_missing_power", "db", "db = dout * a ** b * log(a): the derivative of a ** b with respect to b "
            "keeps the a ** b factor; you have only log(a).",
            lambda c: sum_to(c.dout * np.log(c["a"]), c["b"].shape)),
    Mistake("pow_missing_log", "db", "db = dout * a ** b * log(a): don't forget the log(a).",
            lambda c: sum_to(c.dout * c["a"] ** c["b"], c["b"].shape)),
)

SUM_MISTAKES = (
    Mistake("sum_keepdims_ignored", "out", "Pass keepdims on to np.sum: sum(x, axis, keepdims=keepdims).",
            lambda c: c["x"].sum(axis=c["axis"]), when=lambda c: bool(c["keepdims"])),
)

# The mistake ids this half of the declarations can give, with their meaning (the dashboard's and the
# README's catalogue; a published id never changes meaning).
SUM_IDS = {
    "sum_keepdims_ignored": "sum_forward ignores keepdims",
}

EXP_IDS = {
    "exp_gradient_x": "exp_backward multiplies by x instead of exp(x)",
    "exp_of_dout": "exp_backward computes exp(dout) instead of dout * exp(x)",
    "exp_of_output": "exp_backward takes exp of the cached output exp(x) again",
}

MUL_IDS = {
    "mul_swapped": "mul_backward gives each input its own value as local gradient (da = dout * a)",
}

POW_IDS = {
    "pow_exponent_precedence": "pow_backward writes b * a ** b - 1 for b * a ** (b - 1) (operator precedence)",
    "pow_total_derivative": "pow_backward adds db's a ** b * log(a) term to da (total for partial derivative)",
    "pow_swapped": "pow_backward's da swaps a and b in the power rule: a * b ** (a - 1)",
    "pow_exponent": "pow_backward forgets to lower the exponent: b * a ** b instead of b * a ** (b - 1)",
    "pow_missing_log": "pow_backward forgets log(a) in db",
    "pow_db_missing_power": "pow_backward's db is dout * log(a), without the a ** b factor",
    "pow_log_of_exponent": "pow_backward's db takes log(b), the exponent, instead of log(a)",
}

# Work-bound cases (Hidden.work) where central differences through a copy of the forward cannot
# finish in time: not for add, mul, max and sum, whose forwards are so cheap that the case would need
# 100,000 elements or more (and vectorised central differences of any elementwise gate cost two
# forward calls whatever the size: no work bound tells them from a backward by hand; `exact` asks
# every elementwise gate's gradient to match to rounding, which finite differences cannot).
HIDDEN = {
    "add": Hidden(_same_shapes, exact=True, edges=({"a": [4, 1, 3], "b": [2, 1]}, {"a": [1], "b": [3, 2]},
                                       {"a": [3, 2], "b": [], "python_floats": ["b"]})),
    "mul": Hidden(_same_shapes, exact=True, edges=({"a": [4, 1, 3], "b": [2, 1]}, {"a": [2, 3], "b": [1]},
                                       {"a": [], "b": [2, 3], "python_floats": ["a"]}), mistakes=MUL_MISTAKES,
                  mistake_ids=MUL_IDS),
    "max": Hidden(_same_shapes, exact=True, edges=({"a": [4, 1, 3], "b": [2, 1]}, {"a": [1, 1], "b": [3]},
                                       {"a": [3, 2], "b": [], "python_floats": ["b"]})),
    "pow": Hidden(_same_shapes, exact=True, work=({"a": [150, 100], "b": [150, 100]},), edges=({"a": [4, 1, 3], "b": [2, 1]}, {"a": [3, 2], "b": []},
                                       {"a": [3, 2], "b": [], "python_floats": ["b"]}), mistakes=POW_MISTAKES,
                  mistake_ids=POW_IDS),
    "exp": Hidden(_any_shape, exact=True, work=({"x": [200, 150]},), edges=({"x": [1, 1, 1]}, {"x": [2, 1, 3]}), mistakes=EXP_MISTAKES, mistake_ids=EXP_IDS),
    "sum": Hidden(_sum_config, edges=({"x": [2, 3, 4, 5], "axis": [1, -1], "keepdims": False},
                                      {"x": [3, 1, 4], "axis": 1, "keepdims": False}), mistakes=SUM_MISTAKES,
                  mistake_ids=SUM_IDS),
}
