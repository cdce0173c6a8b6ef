"""The gates assignment, declared: add, mul, max, pow (broadcasting binary ops), exp and sum.

What students may see of the grader's knowledge (this file ships in a release): the functions, how
inputs are drawn, the convention at max's ties and the gates' own shape and exception hints. The
hidden shapes and the known mistakes are in reference/gates/hidden.py.
"""
from __future__ import annotations

import math
import re

import numpy as np

from grader.declare import PASS, Convention, Exercise, Finding, Status, fmt
from grader.diagnosis.slips import slip_hint


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


def _gate_output_shape(out_shape, expected, hint, kind, case):
    """A binary gate's output of the wrong shape comes from reshaping or indexing its inputs."""
    if kind in ("keepdims", "squeezed") or tuple(out_shape) == tuple(expected)[::-1]:
        return hint, kind, None
    return "Let NumPy broadcast a and b against each other; don't reshape or index them.", kind, None


def _gate_error(error, function, case):
    """An axis out of bounds while unbroadcasting: each sum without keepdims removes an axis, so
    the axis numbers after it shift (sum the leading axes in one call, or from the last one down)."""
    message = error.get("message", "")
    found = _equal_shapes_required(error, function, case) or _first_axis_only(error, function, case)
    if found:
        return found
    if error.get("type") == "AxisError" or (error.get("type") in ("IndexError", "ValueError")
                                            and "out of bounds" in message and "axis" in message):
        return ("Summing without keepdims=True removes that axis, so every later axis number shifts down by "
                "one: sum the leading (added) axes in one call, sum(axis=tuple(range(lead))), then the stretched "
                "ones with keepdims=True (or go from the last axis to the first).", "unbroadcast_axis_shift")
    failed = _failed_subscript(error.get("traceback", ""))
    if error.get("type") == "IndexError" and ("tuple index out of range" in message or not message) \
            and failed is not None and re.fullmatch(r"\w*shape\w*\[.*\]", failed) and "." not in failed:
        # shape[k] with k an axis of dout: the input's own shape (a tuple argument) read at an axis number
        # it does not have, because broadcasting added leading axes (a (5,) against b (2, 5))
        return ("dout can have more axes than this input: broadcasting adds leading axes ((5,) against (2, 5) "
                "gives (2, 5)), so axis k of dout is not axis k of the input. Sum the added leading axes first, "
                "grad.sum(axis=tuple(range(grad.ndim - len(shape)))), then compare the shapes axis by axis "
                "(they line up from the right).", "unbroadcast_assumes_same_ndim")
    if error.get("type") == "IndexError" and ("tuple index out of range" in message or not message) \
            and (".shape[" in failed if failed is not None else not _reads_bare_shape(error.get("traceback", ""))) \
            and _failing_line_reads_shape(error.get("traceback", "")):
        # grad.shape[axis] after an earlier sum without keepdims removed an axis: the shape has
        # fewer entries than the axis numbers of the input's shape, which the loop walks
        return ("Your code reads a shape at an axis number it no longer has. If you sum axes one at a time "
                "without keepdims=True, each sum removes an axis and every later axis number shifts down by one: "
                "sum the leading (added) axes in one call, then the stretched ones with keepdims=True, so that "
                "grad keeps the input's number of axes.", "unbroadcast_axis_shift")
    return None


def _equal_shapes_required(error, function, case):
    """An assert on the shapes in a forward, failing on inputs of different shapes: the gate was written
    for equal shapes, and the gates broadcast. Only where the inputs' shapes do differ and the failing
    line compares shapes (a hidden case withholds the message, never the line)."""
    if case is None or function != case.exercise.forward or error.get("type") != "AssertionError":
        return None
    shapes = {name: np.shape(case.arrays[name]) for name in case.exercise.arrays}
    if len(set(shapes.values())) < 2 or "shape" not in _last_source_line(error.get("traceback", "")):
        return None
    described = " and ".join(f"{name} {fmt(shape)}" for name, shape in shapes.items())
    return (f"{function} asserts that its inputs have one shape, but the gates broadcast: {described} are valid "
            f"inputs, and the output has their broadcast shape {fmt(np.broadcast_shapes(*shapes.values()))}. Drop "
            "the assert and let NumPy broadcast (the backward sums each gradient back to its input's shape).",
            "gate_forward_requires_equal_shapes")


_CANNOT_RESHAPE = re.compile(r"cannot reshape array of size (\d+) into shape (\(.*?\))")


def _first_axis_only(error, function, case):
    """grad.sum(axis=0).reshape(shape) in an unbroadcast: right only when broadcasting stretched or
    added axis 0 alone. Proven from the message: the array that failed to reshape has the size of dout
    summed over its first axis, and the shape asked for is an input's."""
    found = _CANNOT_RESHAPE.search(error.get("message", ""))
    if case is None or function != case.exercise.backward or error.get("type") != "ValueError" or not found:
        return None
    line = _last_source_line(error.get("traceback", ""))
    if not re.search(r"sum\((?:[^()]*,\s*)?axis\s*=\s*0\s*[,)]", line) or case.dout is None:
        return None
    size, asked = int(found.group(1)), found.group(2)
    dout_shape = np.shape(case.dout)
    inputs = {name: np.shape(case.arrays[name]) for name in case.exercise.arrays}
    named = [name for name, shape in inputs.items() if str(tuple(shape)).replace(" ", "") == asked.replace(" ", "")]
    if not named or not dout_shape or size != math.prod(dout_shape[1:]):
        return None
    shape = inputs[named[0]]
    return (f"Summing over axis 0 undoes broadcasting only where axis 0 alone was stretched or added: here dout is "
            f"{fmt(dout_shape)} and {named[0]} is {fmt(shape)}, so other axes were broadcast too and the sum over "
            "axis 0 cannot be reshaped back. Sum every leading axis broadcasting added, grad.sum(axis=tuple(range("
            "grad.ndim - len(shape)))), then each axis where the input has size 1, with keepdims=True.",
            "unbroadcast_first_axis_only")


def _last_source_line(traceback: str) -> str:
    """The last line of the student's code in a traceback ("" when it shows none)."""
    lines = [line.strip() for line in traceback.splitlines() if line.strip()]
    source = [line for line in lines if not line.startswith("File ") and not set(line) <= set("^~ ")
              and not re.match(r"^[A-Za-z_.]*(Error|Exception)\b", line)]
    return source[-1] if source else ""


def _failing_line_reads_shape(traceback: str) -> bool:
    """The last source line of the student's traceback indexes a .shape."""
    return ".shape[" in _last_source_line(traceback)


def _reads_bare_shape(traceback: str) -> bool:
    """The student's failing line also indexes a shape held in a name (shape[k], a_shape[k]): without
    the traceback's marks (a hidden case's), which subscript failed is not known."""
    return re.search(r"(?<![.\w])\w*shape\w*\[", _last_source_line(traceback)) is not None


def _failed_subscript(traceback: str) -> str | None:
    """The expression Python's traceback marks (~~~^^^) under the student's failing line, or None
    when it marks none (older Pythons, or a whole line)."""
    lines = traceback.splitlines()
    for code, marks in zip(reversed(lines[:-1]), reversed(lines[1:])):
        if marks.strip() and set(marks.strip()) <= set("~^"):
            start = len(marks) - len(marks.lstrip())
            return code[start:len(marks.rstrip())].strip()
    return None


def _mul_error(error, function, case):
    """np.dot(a, b) (or a @ b) in mul_forward: the matrix product, whose shapes rarely line up."""
    trace = error.get("traceback", "")
    if case is not None and function == case.exercise.forward and error.get("type") == "ValueError" \
            and re.search(r"np\.dot\(|\.dot\(| @ |np\.matmul\(", trace):
        return ("np.dot(a, b) (like a @ b) is the matrix product; the gate multiplies elementwise, a * b "
                "(np.multiply), which also broadcasts.", "mul_matmul")
    return _gate_error(error, function, case)


def _max_error(error, function, case):
    """np.max(np.array([a, b]), axis=0) stacks a and b, which needs one shape: broadcasting breaks it."""
    message = error.get("message", "")
    if error.get("type") == "ValueError" and ("inhomogeneous" in message or "with a sequence" in message):
        return ("np.array([a, b]) stacks a and b, so they must have one shape: with broadcasting they do not. "
                "np.maximum(a, b) is the elementwise max, and it broadcasts.", "max_stacked_inputs")
    return _gate_error(error, function, case)


# --- max: ties are the kink ------------------------------------------------------------------

def _plant_ties(case) -> dict[str, np.ndarray]:
    """Exact ties (a == b) planted in every other position."""
    arrays = dict(case.arrays)
    a = arrays["a"].copy()
    b = np.broadcast_to(arrays["b"], a.shape).copy() if arrays["b"].shape == a.shape else arrays["b"]
    b.flat[::2] = a.flat[::2]
    arrays["b"] = b
    return arrays


def _judge_ties(case, grads) -> Finding:
    """At a tie, any split of dout between a and b that adds up to dout is accepted; giving dout to
    both (double counting) is not."""
    da, db = grads
    a, b, dout = case.arrays["a"], case.arrays["b"], case.dout
    ties = a == b
    total = da + db
    if np.allclose(total[ties], 2 * dout[ties], rtol=1e-9, atol=1e-12) and np.any(ties):
        return Finding(Status.FAILED, "at ties (a == b) max_backward gives dout to both a and b",
                       "At a tie the gradient is counted twice: send dout to one input (a >= b for a, b > a "
                       "for b), or split it, so that da + db == dout.", "max_tie_double_counted")
    if not np.allclose(total[ties], dout[ties], rtol=1e-9, atol=1e-12):
        return Finding(Status.FAILED, "at ties (a == b) da + db does not add up to dout",
                       "At a tie, dout must go somewhere exactly once: da + db == dout.", "max_tie_not_conserved")
    clear = ~ties
    if not (np.allclose(da[clear], (dout * (a > b))[clear]) and np.allclose(db[clear], (dout * (b > a))[clear])):
        return Finding(Status.FAILED, "max_backward is wrong where a and b are not tied",
                       "dout flows to whichever input was larger.", "max_wrong_off_ties")
    return PASS


# --- sum: the axis and keepdims are its own arguments --------------------------------------------

def _sum_label(extras) -> str:
    return f", axis={extras[0]!r}, keepdims={extras[1]}"


def _sum_error(error, function, case):
    """Most exceptions in sum come from an axis that is not normalised; a slip the student's line
    shows (an index NumPy refuses, an axis given as a range) is read for every assignment instead."""
    if not error.get("message") or slip_hint(error.get("type", ""), error.get("message", ""),
                                             error.get("traceback") or ""):
        return None     # a hidden case's message is withheld: without it, the cause is not known
    if error.get("type") in ("ValueError", "TypeError", "IndexError", "AxisError"):
        return ("axis may be None, an int, a negative int or a tuple: normalise it first "
                "(e.g. tuple(a % x.ndim for a in axes)), then put the summed axes back with np.expand_dims "
                "(unless keepdims) before broadcasting dout to x's shape.", "sum_axis_handling")
    return None


def _sum_output_shape(out_shape, expected, hint, kind, case):
    """keepdims is this exercise's own argument: its hint says more than the generic one."""
    kind = kind if kind in ("keepdims", "squeezed") else "wrong_shape"
    axes = _axes(case.extras[0]) if case is not None else ()
    if kind in ("keepdims", "squeezed"):
        # Only a size-1 axis more or less: what keepdims decides.
        hint = "Check keepdims: with keepdims=True the summed axes stay as size 1, otherwise they are removed."
    elif any(axis < 0 for axis in axes) and len(out_shape) > len(expected):
        hint = ("An axis in `axis` was left unsummed: a negative axis counts from the end (-1 is the last). "
                "Normalise the axes first, tuple(a % x.ndim for a in axes), or pass them to np.sum as they are.")
    else:
        hint = "Sum over exactly the axes given by `axis` (an int, a negative int, a tuple, or None for all)."
    keepdims = bool(case.extras[1]) if case is not None else None
    if kind == "keepdims" and keepdims is False:
        return hint, kind, "out_keepdims"
    if kind == "squeezed" and keepdims:
        return hint, kind, "sum_keepdims_ignored"
    return hint, kind, None


def _axes(axis) -> tuple:
    """The summed axes as a tuple of ints (None: none known)."""
    if axis is None:
        return ()
    return tuple(axis) if isinstance(axis, (tuple, list)) else (int(axis),)


def _sum_gradient_shape(grad_name, grad_shape, input_name, input_shape):
    if len(grad_shape) == len(input_shape) and tuple(grad_shape) != tuple(input_shape) \
            and all(g in (i, 1) for g, i in zip(grad_shape, input_shape)):
        # the summed axes are back as size 1 (a reshape, or expand_dims): only the broadcast is missing
        return (f"{grad_name} has {input_name}'s axes, with the summed ones of size 1 {fmt(grad_shape)}: "
                f"broadcast it to {fmt(input_shape)}, np.broadcast_to(dout, {fmt(input_shape)}) (each entry of "
                f"{input_name} gets the dout of the sum it went into).", "sum_backward_not_broadcast")
    if math.prod(grad_shape) < math.prod(input_shape):
        return (f"{grad_name} must have {input_name}'s shape {fmt(input_shape)}: put back the summed axes "
                f"(np.expand_dims, unless keepdims) and broadcast dout to {fmt(input_shape)}.", "wrong_shape")
    return None


def _binary_gate(name: str, make_inputs, **more) -> Exercise:
    more = {"error_hint": _gate_error, "mistake_ids": GATE_IDS, **more}
    return Exercise(name, f"{name}_forward", f"{name}_backward", ("a", "b"), make_inputs, broadcast=("a", "b"),
                    output_shape=_gate_output_shape, **more)


# The mistake ids this half of the declarations can give, with their meaning (the dashboard's and the
# README's catalogue; a published id never changes meaning).
SUM_IDS = {
    "sum_axis_handling": "sum_backward raises: axis not normalised (negative, tuple, None) or the summed axes not put back before broadcasting",
    "sum_backward_not_broadcast": "sum_backward puts the summed axes back as size 1 (a reshape) but does not broadcast dout to x's shape",
}

GATE_IDS = {
    "gate_forward_requires_equal_shapes": "a binary gate's forward asserts that a and b have one shape (AssertionError on inputs that broadcast)",
    "unbroadcast_first_axis_only": "a gate's unbroadcast sums axis 0 only and reshapes to the input's shape, as if broadcasting only ever stretched the first axis",
    "unbroadcast_axis_shift": "a gate's unbroadcast sums axes one by one without keepdims, so later axis numbers shift (an axis out of bounds)",
    "unbroadcast_assumes_same_ndim": "a gate's unbroadcast compares dout's shape with the input's axis by axis from the left, as if broadcasting never added leading axes",
}

MUL_IDS = {
    **GATE_IDS,
    "mul_matmul": "mul_forward uses the matrix product (np.dot, @) for the elementwise product a * b",
}

MAX_IDS = {
    **GATE_IDS,
    "max_stacked_inputs": "max_forward stacks a and b with np.array([a, b]), which breaks under broadcasting",
    "max_tie_double_counted": "max_backward at a tie gives dout to both inputs",
    "max_tie_not_conserved": "max_backward at a tie: da + db is not dout",
    "max_wrong_off_ties": "max_backward is wrong where the inputs are not tied",
    "max_gradient_wrong": "max_backward does not send dout to the larger input",
}

EXERCISES = [
    _binary_gate("add", _binary(-2.0, 2.0)),
    _binary_gate("mul", _binary(-2.0, 2.0), error_hint=_mul_error, mistake_ids=MUL_IDS),
    _binary_gate("max", _max_inputs, convention=Convention(_plant_ties, _judge_ties), mistake_ids=MAX_IDS,
                 error_hint=_max_error,
                 gradient_fallback=("dout flows to whichever input was larger: da = dout * (a >= b), "
                                    "db = dout * (b > a).", "max_gradient_wrong")),
    _binary_gate("pow", _pow_inputs),
    Exercise("exp", "exp_forward", "exp_backward", ("x",), _exp_inputs),
    Exercise("sum", "sum_forward", "sum_backward", ("x",), _sum_inputs, extras=("axis", "keepdims"),
             describe=_sum_label, error_hint=_sum_error, output_shape=_sum_output_shape,
             gradient_shape=_sum_gradient_shape, mistake_ids=SUM_IDS),
]
