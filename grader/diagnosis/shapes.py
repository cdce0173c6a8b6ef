"""Why a result has the wrong shape, in words a student can act on. Shapes only, never values."""
from __future__ import annotations

import math


def fmt(shape) -> str:
    return str(tuple(shape))


def broadcast_axes(input_shape: tuple, out_shape: tuple) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Axes of `out_shape` that broadcasting added in front (leading) or stretched from 1 (kept)."""
    lead = len(out_shape) - len(input_shape)
    leading = tuple(range(lead))
    stretched = tuple(lead + i for i, n in enumerate(input_shape) if n == 1 and out_shape[lead + i] != 1)
    return leading, stretched


def _axes_text(axes: tuple[int, ...]) -> str:
    return f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"


def gradient_shape_hint(grad_name: str, grad_shape: tuple, input_name: str, input_shape: tuple,
                        out_shape: tuple | None, exercise_name: str = "") -> str:
    """The fix for a gradient whose shape differs from its input's.

    `out_shape` is given when the input was broadcast into the output (a gate's a and b, affine's
    b, batchnorm's gamma and beta): its gradient is dout summed over the broadcast axes.
    """
    grad_shape, input_shape = tuple(grad_shape), tuple(input_shape)
    if out_shape is not None and tuple(out_shape) != input_shape and _broadcastable(input_shape, tuple(out_shape)):
        out_shape = tuple(out_shape)
        leading, stretched = broadcast_axes(input_shape, out_shape)
        steps = []
        if leading:
            steps.append(f"sum dout over {_axes_text(leading)}")
        if stretched:
            kept = tuple(a - len(leading) for a in stretched)
            steps.append(f"sum over {_axes_text(kept if leading else stretched)} with keepdims=True")
        return (f"{input_name} was broadcast to {fmt(out_shape)}: " + ", then ".join(steps)
                + f", so that {grad_name} has {input_name}'s shape {fmt(input_shape)}.")
    if exercise_name == "sum" and math.prod(grad_shape) < math.prod(input_shape):
        return (f"{grad_name} must have {input_name}'s shape {fmt(input_shape)}: put back the summed axes "
                f"(np.expand_dims, unless keepdims) and broadcast dout to {fmt(input_shape)}.")
    if math.prod(grad_shape) == math.prod(input_shape):
        if grad_shape == input_shape[::-1] and len(input_shape) == 2:
            return (f"{grad_name} is transposed: it should be {fmt(input_shape)}. Check the order of the "
                    f"matrix product (e.g. x.T @ dout, not dout.T @ x).")
        return f"{grad_name} has the right number of entries: reshape it to {input_name}.shape {fmt(input_shape)}."
    return f"{grad_name} must have exactly {input_name}'s shape {fmt(input_shape)}."


def gradient_shape_message(grad_name: str, grad_shape: tuple, input_name: str, input_shape: tuple) -> str:
    return f"{grad_name} has shape {fmt(grad_shape)} but {input_name} has shape {fmt(input_shape)}"


def output_shape_hint(out_shape: tuple, expected: tuple, exercise_name: str) -> str:
    out_shape, expected = tuple(out_shape), tuple(expected)
    if exercise_name == "sum":
        if len(out_shape) == len(expected) + 1 or math.prod(out_shape) == math.prod(expected):
            return "Check keepdims: with keepdims=True the summed axes stay as size 1, otherwise they are removed."
        return "Sum over exactly the axes given by `axis` (an int, a negative int, a tuple, or None for all)."
    if exercise_name == "affine" and len(out_shape) > 2:
        return "Flatten x to (N, D) first: x.reshape(x.shape[0], -1)."
    if out_shape == expected[::-1]:
        return "Your output is transposed; check the order of the matrix product."
    if exercise_name in ("add", "mul", "max", "pow"):
        return "Let NumPy broadcast a and b against each other; don't reshape or index them."
    return f"The output must have shape {fmt(expected)}."


def _broadcastable(small: tuple, big: tuple) -> bool:
    if len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(small[::-1], big[::-1]))
