"""Why a result has the wrong shape, in words a student can act on. Shapes only, never values."""
from __future__ import annotations

import math

import numpy as np


def fmt(shape) -> str:
    return str(tuple(shape))


def broadcast_axes(input_shape: tuple, out_shape: tuple) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Axes of `out_shape` that broadcasting added in front (leading) or stretched from 1 (kept)."""
    lead = len(out_shape) - len(input_shape)
    leading = tuple(range(lead))
    stretched = tuple(lead + i for i, n in enumerate(input_shape) if n == 1 and out_shape[lead + i] != 1)
    return leading, stretched


def sum_to(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a broadcast gradient back to `shape`, the right unbroadcast: the axes broadcasting
    added in front, then the ones it stretched from size 1 (kept)."""
    leading, stretched = broadcast_axes(tuple(shape), grad.shape)
    return grad.sum(axis=stretched, keepdims=True).sum(axis=leading)


def _axes_text(axes: tuple[int, ...]) -> str:
    return f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"


def gradient_shape_hint(grad_name: str, grad_shape: tuple, input_name: str, input_shape: tuple,
                        out_shape: tuple | None, special=None) -> str:
    """The fix for a gradient whose shape differs from its input's (see gradient_shape_diagnosis)."""
    return gradient_shape_diagnosis(grad_name, grad_shape, input_name, input_shape, out_shape, special)[0]


def gradient_shape_diagnosis(grad_name: str, grad_shape: tuple, input_name: str, input_shape: tuple,
                             out_shape: tuple | None, special=None) -> tuple[str, str]:
    """(hint, kind) for a gradient whose shape differs from its input's; kind is a VALUE_KINDS key
    of grader.diagnosis.mistake_ids (the id is grad_name + "_" + kind).

    `out_shape` is given when the input was broadcast into the output (a gate's a and b, affine's
    b, batchnorm's gamma and beta): its gradient is dout summed over the broadcast axes.
    `special(grad_name, grad_shape, input_name, input_shape)` is the exercise's own reading
    (Exercise.gradient_shape), asked once the broadcast cases are ruled out.
    """
    grad_shape, input_shape = tuple(grad_shape), tuple(input_shape)
    size_one = size_one_difference(grad_shape, input_shape, grad_name, input_name)
    if size_one is not None:
        return size_one
    squeezed = tuple(n for n in input_shape if n != 1)
    if 1 in input_shape and grad_shape != input_shape and _broadcast(squeezed, input_shape) == grad_shape:
        return (f"{grad_name} {fmt(grad_shape)} is what a squeezed array {fmt(squeezed)} makes when it meets one of "
                f"shape {fmt(input_shape)}: squeeze() dropped the size-1 axes, and broadcasting spread them out "
                f"again. Don't squeeze(); keep every array in {input_name}'s shape {fmt(input_shape)}.", "squeezed")
    if out_shape is not None and tuple(out_shape) != input_shape and _broadcastable(input_shape, tuple(out_shape)):
        out_shape = tuple(out_shape)
        leading, stretched = broadcast_axes(input_shape, out_shape)
        steps = []
        if leading:
            steps.append(f"sum dout over {_axes_text(leading)}")
        if stretched:
            kept = tuple(a - len(leading) for a in stretched)
            steps.append(f"sum over {_axes_text(kept if leading else stretched)} with keepdims=True")
        kind = ("not_summed" if grad_shape == out_shape
                else "wrong_axis" if _is_subsequence(grad_shape, out_shape) else "wrong_shape")
        which = f"{grad_name} {fmt(grad_shape)} is dout summed over the wrong axis. " if kind == "wrong_axis" else ""
        return (which + f"{input_name} was broadcast to {fmt(out_shape)}: " + ", then ".join(steps)
                + f", so that {grad_name} has {input_name}'s shape {fmt(input_shape)}.", kind)
    found = special(grad_name, grad_shape, input_name, input_shape) if special is not None else None
    if found is not None:
        return found
    if axes_permuted(grad_shape, input_shape):
        return permuted_hint(grad_name, grad_shape, input_shape, f"{input_name}'s"), "axes_permuted"
    if math.prod(grad_shape) == math.prod(input_shape):
        if grad_shape == input_shape[::-1] and len(input_shape) == 2:
            return (f"{grad_name} is transposed: it should be {fmt(input_shape)}. Check the order of the "
                    f"matrix product (e.g. x.T @ dout, not dout.T @ x).", "shape_transposed")
        flattened = len(input_shape) > 2 and grad_shape == (input_shape[0], math.prod(input_shape[1:]))
        aliased = (f" If you already reshape to {input_name}.shape, the {input_name} in your cache is the flattened "
                   f"one: keep the original in the forward's cache ({input_name}_flat = {input_name}.reshape(N, -1), "
                   f"not {input_name} = {input_name}.reshape(N, -1))." if flattened else "")
        return (f"{grad_name} has the right number of entries: reshape it to {input_name}.shape {fmt(input_shape)}."
                + aliased, "not_reshaped")
    return f"{grad_name} must have exactly {input_name}'s shape {fmt(input_shape)}.", "wrong_shape"


def axes_permuted(shape: tuple, expected: tuple) -> bool:
    """The expected sizes in another order, beyond a matrix's transpose (N, H, C, W) for (N, C, H, W):
    a transpose, or a reshape to the sizes in another order, moved the axes."""
    shape, expected = tuple(shape), tuple(expected)
    return len(expected) > 2 and shape != expected and sorted(shape) == sorted(expected)


def permuted_hint(what: str, shape: tuple, expected: tuple, whose: str = "the right") -> str:
    """What is certain of a result whose axes are permuted; no fix is proposed: a reshape to the right
    shape would leave the values on the wrong axes, and which transpose undoes it depends on how it
    came about (a reshape to sizes in another order scrambles the values beyond any transpose)."""
    return (f"{what} {fmt(shape)} has {whose} sizes {fmt(expected)} in another order: its axes are permuted. Check "
            "the order of the axes at each reshape and transpose on the way: a reshape keeps the values in the order "
            "they are stored (it cannot move an axis), a transpose moves axes (np.transpose(a, p) is undone by "
            "np.transpose(b, np.argsort(p))).")


def size_one_difference(shape: tuple, expected: tuple, what: str, like: str | None = None) -> tuple[str, str] | None:
    """(hint, "keepdims" or "squeezed") when `shape` differs from `expected` only by size-1 axes."""
    shape, expected = tuple(shape), tuple(expected)
    if shape == expected or [n for n in shape if n != 1] != [n for n in expected if n != 1]:
        return None
    target = f"{like}.shape {fmt(expected)}" if like else fmt(expected)
    if len(shape) > len(expected):
        return (f"{what} has an extra size-1 axis: {fmt(shape)} instead of {fmt(expected)}. Sum without "
                f"keepdims=True (or reshape to {target}).", "keepdims")
    if len(shape) < len(expected):
        return (f"{what} lost a size-1 axis: {fmt(shape)} instead of {fmt(expected)}. Don't squeeze() (it drops "
                f"every size-1 axis, the batch axis too when N = 1); sum with keepdims=True where the axis must stay, "
                f"or reshape to {target}.", "squeezed")
    return None


def _is_subsequence(small: tuple, big: tuple) -> bool:
    """`small` is `big` with some axes removed (a sum over other axes than the broadcast ones)."""
    it = iter(big)
    return len(small) < len(big) and all(n in it for n in small)


def gradient_shape_message(grad_name: str, grad_shape: tuple, input_name: str, input_shape: tuple) -> str:
    return f"{grad_name} has shape {fmt(grad_shape)} but {input_name} has shape {fmt(input_shape)}"


def output_shape_hint(out_shape: tuple, expected: tuple) -> str:
    return output_shape_diagnosis(out_shape, expected)[0]


def output_shape_diagnosis(out_shape: tuple, expected: tuple, what: str = "out") -> tuple[str, str]:
    """(hint, kind) for a forward output of the wrong shape; kind as in gradient_shape_diagnosis.
    An exercise may read the shape its own way (Exercise.output_shape), given this answer."""
    out_shape, expected = tuple(out_shape), tuple(expected)
    size_one = size_one_difference(out_shape, expected, what)
    if size_one is not None:
        return size_one
    if axes_permuted(out_shape, expected):
        return permuted_hint(what, out_shape, expected), "axes_permuted"
    if out_shape == expected[::-1]:
        hint = "Your output is transposed; check the order of the matrix product."
    else:
        hint = f"The output must have shape {fmt(expected)}."
    kind = "shape_transposed" if out_shape == expected[::-1] and len(expected) == 2 else "wrong_shape"
    return hint, kind


def _broadcast(a: tuple, b: tuple) -> tuple | None:
    """The shape NumPy broadcasts a and b to, or None."""
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


def _broadcastable(small: tuple, big: tuple) -> bool:
    if len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(small[::-1], big[::-1]))


def first_slice(dout: np.ndarray, shape: tuple) -> np.ndarray:
    """dout's first slice along the axes an input of `shape` was broadcast over (dout[0] for a
    bias of shape (M,) and dout of shape (N, M)): what a gradient that forgot to sum looks like."""
    dout = np.asarray(dout)
    lead = dout.ndim - len(shape)
    sliced = dout[(0,) * lead] if lead > 0 else dout
    index = tuple(slice(0, 1) if n == 1 and m != 1 else slice(None) for n, m in zip(shape, sliced.shape))
    return sliced[index] if index else sliced
