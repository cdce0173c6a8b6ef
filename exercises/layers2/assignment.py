"""The layers2 assignment (CS231n assignment 2, cs231n/layers.py), declared: batchnorm's backward
in one formula, layernorm, dropout, convolution, max pooling, spatial batchnorm and groupnorm.

CS231n's signatures and parameter dicts exactly (conv_param, pool_param, dropout_param, bn_param,
ln_param, gn_param and G), so that a student's existing layers.py grades unchanged. This half ships
in a release: how inputs are drawn and the layers' own readings of shapes and exceptions. The hidden
shapes and the known mistakes are in reference/layers2/hidden.py.

Conventions (today's CS231n by default):
- dropout_param["p"] is the probability of KEEPING a unit (before 2017 it was of dropping it): set
  DROPOUT_P_MEANS below to "drop" for the old meaning, and the reference's dropout_forward with it;
  any valid draw of the mask is accepted, whatever random call made it;
- groupnorm's gamma and beta have shape (1, C, 1, 1) (older docstrings said (C,)): set
  GROUPNORM_GAMMA_SHAPE below to "(C,)" for the old shape (the reference takes either).
"""
from __future__ import annotations

import re

import numpy as np

from grader.declare import PASS, Convention, Exercise, Extreme, Finding, Stability, Status, constant_at, either
from grader.declare import failing_line as line_that_raised

# --- what every layer's exceptions may mean --------------------------------------------------------

FLOAT_SIZE = ("'float' object cannot be interpreted as an integer", "slice indices must be integers")
NUMPY2_SCALAR = ("only 0-dimensional arrays can be converted", "setting an array element with a sequence")


def numpy2_error(error, function, case):
    """Code written for NumPy 1.x or Python 2 that today's refuse: a 1-element array used as a number,
    ragged arrays, and sizes computed with / (a float in Python 3)."""
    message = error.get("message", "")
    if "inhomogeneous" in message:
        # NumPy 1.24+ refuses to make one array of pieces of different shapes (older ones made an object array).
        return ("NumPy was asked to make one array of pieces with different shapes: a tuple such as the cache used "
                "as an array, or np.array / np.vstack of a list of caches. Unpack the tuple first (dropout_param, "
                "mask = cache), and keep a list of caches as a Python list."), "ragged_array"
    if any(text in message for text in NUMPY2_SCALAR):
        return ("A 1-element array is used where a number is needed (int(array), or out[i, j] = an array of "
                "shape (1, 1)). NumPy 1.x allowed it, NumPy 2 does not: take the number with .item(), or "
                "compute a scalar (np.sum(...)) in the first place."), "numpy2_array_as_scalar"
    if error.get("type") == "TypeError" and any(text in message for text in FLOAT_SIZE):
        # Python 2's / on ints gave an int; Python 3's gives a float, which no shape, range or slice takes.
        return ("A size or index is a float: in Python 3, / always gives a float, even for ints "
                "(1 + (H + 2 * pad - HH) / stride). Use // for output sizes and positions."), "size_true_division"
    # A missing numpy attribute (np.int removed, or np.suma misspelt) and a function or keyword NumPy 2
    # removed (np.lib.pad, newshape=, dims=) are read for every assignment by grader/diagnosis/slips.py.
    return None


def failing_line(error) -> str:
    """The student's line that raised, as the traceback shows it ("" when it does not)."""
    return line_that_raised(error.get("traceback"))


# --- normalisation layers ----------------------------------------------------------------------


def _scaled_features(rng: np.random.Generator, shape: tuple, axis: int) -> np.ndarray:
    """Normal values with a different scale and shift along `axis` (normalising must matter)."""
    size = shape[axis]
    view = [1] * len(shape)
    view[axis] = size
    scale = rng.uniform(0.5, 3.0, size=size).reshape(view)
    shift = 2.0 * rng.normal(size=size).reshape(view)
    return rng.normal(size=shape) * scale + shift


def _batchnorm_inputs(rng: np.random.Generator, config: dict):
    n, d = config["N"], config["D"]
    bn_param = {"mode": "train"}
    if "eps" in config:
        bn_param["eps"] = config["eps"]
    return {"x": _scaled_features(rng, (n, d), 1), "gamma": rng.normal(size=d) + 1.0,
            "beta": rng.normal(size=d)}, (bn_param,)


def _layernorm_inputs(rng: np.random.Generator, config: dict):
    """Rows of different scale and shift: layernorm normalises each example (row)."""
    n, d = config["N"], config["D"]
    ln_param = {"eps": config["eps"]} if "eps" in config else {}
    return {"x": _scaled_features(rng, (n, d), 0), "gamma": rng.normal(size=d) + 1.0,
            "beta": rng.normal(size=d)}, (ln_param,)


def _spatial_batchnorm_inputs(rng: np.random.Generator, config: dict):
    n, c, h, w = config["x"]
    bn_param = {"mode": "train"}
    if "eps" in config:
        bn_param["eps"] = config["eps"]
    return {"x": _scaled_features(rng, (n, c, h, w), 1), "gamma": rng.normal(size=c) + 1.0,
            "beta": rng.normal(size=c)}, (bn_param,)


# What one mean and variance are taken over, in each normalisation: the values a constant planted
# there sets (batchnorm: a column of x; layernorm: a row; spatial batchnorm: a channel; groupnorm:
# example 0's first group).
_ONE_STATISTIC = {
    "feature": lambda case: (slice(None), 0),
    "example": lambda case: 0,
    "channel": lambda case: (slice(None), 0),
    "group": lambda case: (0, slice(0, case["x"].shape[1] // case.extras[0])),
}


def _zero_variance(what: str) -> Stability:
    """NaN or inf where one `what` is constant. Not always eps left out of a root: a student's layernorm
    backward divided by sum((x - mean) * dout), which is 0 there too (a real file round 19 read), so the
    hint names the common cause as one of two."""
    article = "An" if what[0] in "aeiou" else "A"
    return Stability(
        (Extreme(constant_at(_ONE_STATISTIC[what]), f" with a constant {what}"),),
        f"{article} {what} can have zero variance (all its values equal), and there your code divides by something "
        "that is 0: most often np.sqrt(var) without eps (use the forward's np.sqrt(var + eps) in every step, forward "
        "and backward), otherwise a sum or difference of x - mean, which vanishes when every value is equal.",
        "zero_variance_not_finite")


# The shape of groupnorm's gamma and beta in this course: (1, C, 1, 1) (CS231n's docstrings since
# 2019) or (C,) (before). The reference takes either; students' dgamma and dbeta must keep it.
GROUPNORM_GAMMA_SHAPE = "(1, C, 1, 1)"


def _groupnorm_parameter_shape(c: int) -> tuple[int, ...]:
    return (c,) if GROUPNORM_GAMMA_SHAPE == "(C,)" else (1, c, 1, 1)


def _groupnorm_inputs(rng: np.random.Generator, config: dict):
    n, c, h, w = config["x"]
    gn_param = {"eps": config["eps"]} if "eps" in config else {}
    shape = _groupnorm_parameter_shape(c)
    return {"x": _scaled_features(rng, (n, c, h, w), 1), "gamma": rng.normal(size=shape) + 1.0,
            "beta": rng.normal(size=shape)}, (config["G"], gn_param)


# --- dropout -------------------------------------------------------------------------------------


# What dropout_param["p"] means in this course: "keep" (CS231n since 2017) or "drop" (before); the
# reference's DROPOUT_P_MEANS (reference/layers2/layers2.py) says the same.
DROPOUT_P_MEANS = "keep"


def _dropout_inputs(rng: np.random.Generator, config: dict):
    """x of any shape (2-D and 4-D); mode and seed from the configuration, whose "p" is the
    probability of keeping a unit whatever the course's convention: dropout_param's p says it in the
    course's terms, so that both conventions are graded on the same keep probabilities. A
    configuration without a seed gives a dropout_param without one, as the API allows."""
    p = config["p"] if DROPOUT_P_MEANS == "keep" else 1.0 - config["p"]
    param = {"p": p, "mode": config.get("mode", "train"), **({"seed": config["seed"]} if "seed" in config else {})}
    return {"x": rng.normal(size=tuple(config["x"]))}, (param,)


def _keep_probability(param: dict) -> float:
    return param["p"] if DROPOUT_P_MEANS == "keep" else 1.0 - param["p"]


def _fair_share(kept: np.ndarray, keep: float) -> bool:
    """A share of kept units a fair coin with probability `keep` could give (4 standard deviations)."""
    n = kept.size
    return abs(kept.mean() - keep) <= 4 * np.sqrt(keep * (1 - keep) / n) + 1.0 / n


def _dropout_accepts(case, what, out) -> bool:
    """Another valid inverted-dropout draw: the reference draws its mask with np.random.rand, as
    CS231n's notebooks do, but np.random.binomial, np.random.choice or the comparison the other way
    round are as right. Accepted in training: every unit either dropped (0) or kept and scaled
    (x / keep), with a kept share a fair coin could give (4 standard deviations); the numerical
    gradient of this very forward then judges the backward (it must reuse this mask)."""
    x, param = case["x"], case["dropout_param"]
    keep = _keep_probability(param)
    if param["mode"] != "train" or np.shape(out) != x.shape or not 0 < keep <= 1:
        return False
    kept = np.abs(out) > 0
    if not (np.allclose(out[kept], x[kept] / keep, rtol=1e-9, atol=0) and np.all(out[~kept] == 0)):
        return False
    if not _fair_share(kept, keep):
        return False
    # One mask row for the whole batch (np.random.rand(1, D)) is no valid draw: every example keeps the
    # same units, which independent draws do with a chance below one in a million.
    rows = kept.reshape(kept.shape[0], -1)
    same = (keep ** len(rows) + (1 - keep) ** len(rows)) ** rows.shape[1]
    return not (len(rows) > 1 and same < 1e-6 and np.all(rows == rows[0]))


def _dropout_reading(case, what, out):
    """A training output drawn from another random stream than the reference's (no declared mistake
    can match its values), read from what every draw shares: the factor each kept unit is multiplied
    by (out / x where out is not 0), and the share of units kept."""
    x, param = case["x"], case["dropout_param"]
    keep = _keep_probability(param)
    out = np.asarray(out, dtype=np.float64)
    if param["mode"] != "train" or out.shape != x.shape or not 0 < keep < 1 or not np.all(np.isfinite(out)):
        return None
    kept = (np.abs(out) > 0) & (x != 0)
    if kept.sum() < 4:
        return None
    factors = out[kept] / x[kept]
    if np.allclose(factors, 1.0, rtol=1e-9, atol=0) and _fair_share(kept, keep):
        rows = kept.reshape(kept.shape[0], -1)
        whole = len(rows) > 1 and rows.shape[1] > 1 and bool(np.all(rows.all(axis=1) | ~rows.any(axis=1)))
        # one draw per example (a mask of shape (N, 1)) keeps or drops whole rows, which independent
        # draws do only by a chance too small to be one
        chance = (keep ** rows.shape[1] + (1 - keep) ** rows.shape[1]) ** len(rows)
        per_example = (" It also keeps or drops each example whole: draw one entry per unit, of x's own shape, "
                       "np.random.rand(*x.shape), not one per example.") if whole and chance < 1e-6 else ""
        return ("Your mask keeps units with the right probability p, but the kept ones are not divided by p: "
                "inverted dropout scales them by 1 / p in training, mask = (np.random.rand(*x.shape) < p) / p, so "
                "that test mode can return x unchanged." + per_example), "dropout_not_rescaled"
    low, high = float(factors.min()), float(factors.max())
    if high - low > 0.05 * max(abs(high), 1e-12) and np.all(factors > 0):
        return (f"The units your mask keeps are multiplied by different numbers (out / x takes values from {low:.2g} "
                f"to {high:.2g}): a dropout mask holds only two values, 0 and 1 / p. Compare the random draws with "
                "p to make it, (np.random.rand(*x.shape) < p) / p, rather than using the draws themselves."), \
            "dropout_mask_not_binary"
    return None


def _dropout_error(error, function, case):
    """CS231n's stub ends with out = out.astype(x.dtype, copy=False): out is still None there when
    the branch of this mode was left as the stub's `pass`. And a mask drawn for two axes only
    (np.random.rand(N, D)) meets a 4-D x."""
    message, line = error.get("message", ""), failing_line(error)
    if function == "dropout_forward" and error.get("type") == "AttributeError" \
            and ("'NoneType' object has no attribute 'astype'" in message or re.search(r"\bout\.astype\(", line)):
        mode = f"'{case['dropout_param']['mode']}'" if case is not None else "this"
        return (f"out is still None when the stub's last line, out = out.astype(...), runs: the branch for {mode} "
                "mode never sets out (is it still the stub's pass?). In training out = x * mask; in test mode "
                "out = x."), "dropout_branch_unwritten"
    if case is None or case["x"].ndim <= 2 or error.get("type") not in ("ValueError", "IndexError"):
        return None
    # the message is withheld on a hidden case: the student's line N, D = x.shape says it too
    if "broadcast" in message or "index" in message or "unpack" in message \
            or re.match(r"\w+\s*,\s*\w+\s*=\s*x\.shape\b", line):
        return ("x can have any number of axes (after a convolution it is (N, C, H, W)): draw the mask with "
                "x's own shape, np.random.rand(*x.shape).", "dropout_mask_2d")
    return None


# --- convolution and pooling --------------------------------------------------------------------


def _conv_inputs(rng: np.random.Generator, config: dict):
    """x (N, C, H, W), w (F, C, HH, WW), b (F,); conv_param stride and pad. `after_relu`: x holds exact
    zeros, as the output of a ReLU layer does (code dividing by x, or by a mask made from it, gives NaN)."""
    n, c, h, w = config["x"]
    f, hh, ww = config["F"], config["HH"], config["WW"]
    x = rng.normal(size=(n, c, h, w))
    return {"x": np.maximum(x, 0.0) if config.get("after_relu") else x,
            "w": rng.normal(size=(f, c, hh, ww)) / np.sqrt(c * hh * ww),
            "b": rng.normal(size=f)}, (_conv_param(config),)


def _conv_param(config: dict) -> dict:
    """conv_param as the course's notebooks build it, stride first; `pad_first`: pad first, which the
    API allows as well (a dict is read by key, not by the order of its keys)."""
    keys = ("pad", "stride") if config.get("pad_first") else ("stride", "pad")
    return {key: config[key] for key in keys}


def _conv_sizes(case, stride: int | None = None, pad: int | None = None) -> tuple[int, int]:
    """(H', W') of the case's convolution, or of one with another stride or pad."""
    stride = case["conv_param"]["stride"] if stride is None else stride
    pad = case["conv_param"]["pad"] if pad is None else pad
    (h, w), (hh, ww) = case["x"].shape[2:], case["w"].shape[2:]
    return 1 + (h + 2 * pad - hh) // stride, 1 + (w + 2 * pad - ww) // stride


def _conv_output_shape(out_shape, expected, hint, kind, case):
    """Spatial sizes that a stride of 1, or no padding, would have given."""
    if case is None or len(out_shape) != 4 or out_shape[:2] != expected[:2]:
        return hint, kind, None
    stride, pad = case["conv_param"]["stride"], case["conv_param"]["pad"]
    _, _, hh, ww = case["w"].shape
    h, w = case["x"].shape[2:]
    h_out, w_out = _conv_sizes(case)
    # (H', H') or (W', W'): one axis's size given to both, the output taken as square
    square = h_out != w_out and tuple(out_shape[2:]) in {(h_out, h_out), (w_out, w_out)}

    def sizes(s, p):
        return _conv_sizes(case, s, p)

    def unsure():
        """A square output that another reading's sizes give too (H = W, HH for WW gives H' for W'): no cause
        claimed, and the generic hint kept, so that a fix of the student's own code may still prove one."""
        return hint, kind, None
    if list(case["conv_param"])[:2] == ["pad", "stride"] and 0 < pad != stride \
            and tuple(out_shape[2:]) == sizes(pad, stride):
        if square:
            return unsure()
        return ("Your output has the size of the convolution with the stride and the pad exchanged, and this "
                "conv_param holds 'pad' before 'stride': read a dict's entries by their keys, stride, pad = "
                "conv_param['stride'], conv_param['pad'], never by the order of its keys (conv_param.values()), "
                "which is the order the caller happened to build the dict in."), kind, "param_dict_read_by_key_order"
    if stride != 1 and tuple(out_shape[2:]) == sizes(1, pad):
        return ("Your output has the size of a stride-1 convolution: move each window by conv_param['stride'] "
                "(H' = 1 + (H + 2 * pad - HH) // stride)."), kind, "conv_stride_ignored"
    if hh != ww and tuple(out_shape[2:]) in {(1 + (h + 2 * pad - k) // stride, 1 + (w + 2 * pad - k) // stride)
                                             for k in (hh, ww)}:
        if square:      # H = W here: HH for WW gives H' for W' too
            return unsure()
        return ("The kernel is HH x WW = w.shape[2] x w.shape[3], not necessarily square: slide windows of HH "
                "rows and WW columns."), kind, "conv_square_kernel_assumed"
    if tuple(out_shape[2:]) in {sizes(stride, p) for p in range(0, 4) if p != pad}:
        if square:
            return unsure()
        return ("Your output has the size another padding would give: use conv_param['pad'] (it can be 0), "
                "never a number written in the code."), kind, "conv_pad_hardcoded"
    if square:
        # not another kernel's or padding's sizes (above): H' computed for W' (or W' for H'), whatever the
        # code (one div for both axes, x.shape[2] and w.shape[2] for both, out = np.zeros((N, F, H', H')))
        rows = out_shape[2] != h_out
        return (f"out is {tuple(out_shape)} but must be {tuple(expected)}: your output is square, {out_shape[2]} x "
                f"{out_shape[3]}, but H' and W' differ here. Size each axis from its own: H' = 1 + (H + 2 * pad - HH) "
                f"// stride = {h_out} from x.shape[2] and w.shape[2], W' = 1 + (W + 2 * pad - WW) // stride = {w_out} "
                f"from x.shape[3] and w.shape[3]; your {'height' if rows else 'width'} is the "
                f"{'width' if rows else 'height'}'s."), kind, "conv_output_square_assumed"
    if h_out != w_out and tuple(out_shape[2:]) == (w_out, h_out):
        # the sizes alone: whether the names were exchanged or the values transposed, H' and W' are
        return (f"out is {tuple(out_shape)} but must be {tuple(expected)}: its height and width are exchanged. out has "
                f"H' = 1 + (H + 2 * pad - HH) // stride = {h_out} rows, from x.shape[2] and w.shape[2], and W' = "
                f"{w_out} columns, from x.shape[3] and w.shape[3] (N, C, H, W = x.shape; F, C, HH, WW = w.shape, in "
                "that order). Check the order of H and W, and of HH and WW, wherever your code takes them."), \
            kind, "conv_output_height_width_exchanged"
    return hint, kind, None


def _conv_mirror(config: dict) -> dict:
    """The configuration with H and W, and the kernel's HH and WW, exchanged."""
    n, c, h, w = config["x"]
    return {**config, "x": [n, c, w, h], "HH": config["WW"], "WW": config["HH"]}


def _pool_mirror(config: dict) -> dict:
    """The configuration with H and W, and the pool's height and width, exchanged."""
    n, c, h, w = config["x"]
    return {**config, "x": [n, c, w, h], "ph": config["pw"], "pw": config["ph"]}


def _pool_inputs(rng: np.random.Generator, config: dict):
    """Distinct values at least 0.05 apart: no window has a tie, not even under the gradient
    check's small perturbations, so its maximum is unambiguous."""
    shape = tuple(config["x"])
    size = int(np.prod(shape))
    values = (rng.permutation(size) + rng.uniform(-0.25, 0.25, size=size)) * 0.1
    param = {"pool_height": config["ph"], "pool_width": config["pw"], "stride": config["stride"]}
    return {"x": values.reshape(shape)}, (param,)


def _pool_windows(case):
    """(rows, cols, dout of the window) of every pooling window of the case, row-major."""
    param = case["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    for i in range(case.dout.shape[2]):
        for j in range(case.dout.shape[3]):
            yield slice(i * s, i * s + ph), slice(j * s, j * s + pw), case.dout[:, :, i:i + 1, j:j + 1]


def _plant_pool_ties(case) -> dict[str, np.ndarray]:
    """A tie in one window of every channel: x sunk below 0 (its values stay distinct), then two
    neighbours of that window raised to 1, above everything else, so the two are the tied maximum of
    every window that holds both (and the unique maximum of a window that holds one). In every other
    channel of a window at least 2 x 2 the two are diagonal neighbours, (top, left + 1) and (top + 1,
    left): the row of one and the column of the other is not a maximum (a row argmax and a column argmax
    taken separately meet there)."""
    x = case.arrays["x"]
    param = case["pool_param"]
    s, wide = param["stride"], param["pool_width"] > 1
    square = wide and param["pool_height"] > 1
    rows, cols = case.dout.shape[2:]
    planted = x - x.max() - 1.0
    for k, (n, c) in enumerate(np.ndindex(*x.shape[:2])):
        window = (3 * k) % (rows * cols)       # different windows in different channels
        top, left = (window // cols) * s, (window % cols) * s
        if square and k % 2 == 1:
            planted[n, c, top, left + 1] = planted[n, c, top + 1, left] = 1.0
            continue
        planted[n, c, top, left] = planted[(n, c, top, left + 1) if wide else (n, c, top + 1, left)] = 1.0
    return {**case.arrays, "x": planted}


def _judge_pool_ties(case, grads) -> Finding:
    """At a tie the maximum is not differentiable: a window's dout split between its tied maxima in
    any shares that add up to it is a valid subgradient (np.argmax's first maximum, an even split),
    and so is giving it to each of them (the `window == window.max()` mask most CS231n solutions
    use, which the course's own checks accept: they never meet a tie). Losing it is not."""
    (dx,) = grads
    x = case.arrays["x"]
    if not np.all(np.isfinite(dx)):
        return Finding(Status.FAILED, "max_pool_backward_naive gives NaN or inf when a window's maximum is tied",
                       _TIE_HINT, "pool_tie_lost")
    each_max, unique = np.zeros_like(x), np.zeros_like(x)
    tied: dict[tuple, list[tuple[float, set]]] = {}     # (n, c) -> [(dout, tied positions)] of tied windows
    for rows, cols, d in _pool_windows(case):
        window = x[:, :, rows, cols]
        is_max = window == window.max(axis=(2, 3), keepdims=True)
        each_max[:, :, rows, cols] += is_max * d
        alone = is_max.sum(axis=(2, 3), keepdims=True) == 1
        unique[:, :, rows, cols] += is_max * alone * d
        for n, c in zip(*np.nonzero(~alone[:, :, 0, 0])):
            spots = {(rows.start + r, cols.start + q) for r, q in zip(*np.nonzero(is_max[n, c]))}
            tied.setdefault((n, c), []).append((float(d[n, c, 0, 0]), spots))
    if np.allclose(dx, each_max, rtol=1e-9, atol=1e-12):
        return PASS
    rest = dx - unique
    at_ties = np.zeros(x.shape, dtype=bool)
    for (n, c), windows in tied.items():
        for _, spots in windows:
            for r, q in spots:
                at_ties[n, c, r, q] = True
    in_tied = np.zeros(x.shape, dtype=bool)          # the other elements of the tied windows
    crossed = []                                      # a row of one tied maximum and the column of the other
    for (n, c), windows in tied.items():
        for d, spots in windows:
            (r0, q0), (r1, q1) = sorted(spots)[0], sorted(spots)[-1]
            for r in range(min(r for r, _ in spots), max(r for r, _ in spots) + 1):
                for q in range(min(q for _, q in spots), max(q for _, q in spots) + 1):
                    in_tied[n, c, r, q] = (r, q) not in spots
            if len(spots) == 2 and r0 != r1 and q0 != q1:
                crossed.append((n, c, r0, q1, r1, q0, d))
    off = ~at_ties & ~np.isclose(rest, 0.0, rtol=0, atol=1e-9)
    if off.any() and not (off & ~in_tied).any():
        hint = _TIE_HINT
        if crossed and all(any(np.isclose(dx[n, c, r, q], d, rtol=1e-9, atol=1e-12) for r, q in ((ra, qa), (rb, qb)))
                           for n, c, ra, qa, rb, qb, d in crossed):
            hint += (" Here the tied maxima are diagonal neighbours, and your dout went to the row of one and the "
                     "column of the other (an argmax over the rows and another over the columns, taken separately): "
                     "take one argmax of the whole window, np.unravel_index(np.argmax(window), window.shape).")
        return Finding(Status.FAILED, "at a tie (two equal maxima in a window) max_pool_backward_naive gives the "
                       "window's dout to an element of that window that is not a maximum", hint, "pool_tie_lost")
    if not np.allclose(rest[~at_ties], 0.0, rtol=0, atol=1e-9):
        return Finding(Status.FAILED, "max_pool_backward_naive is wrong away from the tie when a window's maximum "
                       "is tied", "A tie in one window must not change the gradient of the others: each window's "
                       "dout still goes to its own maximum.", "pool_tie_wrong_elsewhere")
    for (n, c), windows in tied.items():
        for group in _overlapping(windows):
            spots = set().union(*(spots for _, spots in group))
            shares = [rest[n, c, r, q] for r, q in spots]
            low = {spot: sum(min(d, 0.0) for d, held in group if spot in held) for spot in spots}
            high = {spot: sum(max(d, 0.0) for d, held in group if spot in held) for spot in spots}
            within = all(low[spot] - 1e-9 <= rest[n, c][spot] <= high[spot] + 1e-9 for spot in spots)
            if not (np.isclose(sum(shares), sum(d for d, _ in group), rtol=1e-9, atol=1e-12) and within):
                return Finding(Status.FAILED, "at a tie (two equal maxima in a window) max_pool_backward_naive gives "
                               "the window's dout neither once, split between the maxima, nor to each of them",
                               _TIE_HINT, "pool_tie_lost")
    return PASS


_TIE_HINT = ("When a window's maximum is tied, its dout must still reach the maximum: give it to one of the tied "
             "elements (the first, as np.argmax does), split it between them, or give it to each "
             "(window == window.max()); not to none of them, and nothing to the other elements.")


def _overlapping(windows: list[tuple[float, set]]) -> list[list[tuple[float, set]]]:
    """Tied windows grouped so that windows sharing a tied element are in one group."""
    groups: list[list[tuple[float, set]]] = []
    for window in windows:
        joined = [g for g in groups if any(window[1] & spots for _, spots in g)]
        merged = [window] + [w for g in joined for w in g]
        groups = [g for g in groups if g not in joined] + [merged]
    return groups


def _pool_error(error, function, case):
    """np.max of an empty window: windows moved by their size run past x where the stride is
    smaller. Only where the message shows it, and only where moving by the window's size does empty
    a window of this case."""
    if case is None or function != case.exercise.forward or error.get("type") != "ValueError" \
            or "zero-size array to reduction operation" not in error.get("message", ""):
        return None
    param = case["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    h, w = case["x"].shape[2:]
    if s < max(ph, pw) and ((h - ph) // s * ph >= h or (w - pw) // s * pw >= w):
        return ("A window is empty: its slice starts past the end of x. Windows move by the stride, which can be "
                "smaller than the window: window (i, j) starts at (i * stride, j * stride), not "
                "(i * pool_height, j * pool_width)."), "pool_moved_by_window_size"
    return None


POOL_SIZE_NAME = re.compile(r"\*\s*(pool_?(height|width|h|w|size)|p_?[hw]|[hw]_?pool|hh|ww|pool)\s*\+", re.I)


def _pool_backward_index(error, function, case):
    """dx indexed at i * pool_height + row (the window moved by its size) runs past x where the stride is
    smaller than the window. Read from the student's own line (shown on hidden checks too): an index
    into dx that multiplies by the window's size."""
    if case is None or function != case.exercise.backward or error.get("type") != "IndexError":
        return None
    param, line = case["pool_param"], failing_line(error)
    if (param["pool_height"], param["pool_width"]) == (param["stride"],) * 2 \
            or not re.match(r"d\w*\[", line) or not POOL_SIZE_NAME.search(line.split("=")[0]):
        return None
    return ("Your index into dx runs past x: it moves by the window's size (i * pool_height + row), but window "
            "(i, j) starts at (i * stride, j * stride), and the stride can be smaller than the "
            "window. Put the gradient at dx[..., i * stride + row, j * stride + col]."), \
        "pool_backward_moved_by_window_size"


DOUT_AT_INPUT_POSITION = re.compile(r"\bdout\w*\[[^\]]*/")
OUT_AT_INPUT_POSITION = re.compile(r"\bout\w*\[[^\]]*/")


def _windows_from_input_size(error, function, case):
    """A backward looping over input positions, for row in range(0, H, stride), and reading dout at
    row / stride: ceil(H / stride) positions, more than the H' windows the forward made when they do
    not tile the input, so dout's index runs past its end. Read from the student's own line (shown on
    hidden checks too): an index into dout that divides, on a case where that count exceeds dout's.
    A forward written the same way writes out at row / stride and runs past out's end."""
    if case is None or case.dout is None or error.get("type") != "IndexError":
        return None
    if function == case.exercise.forward and OUT_AT_INPUT_POSITION.search(failing_line(error)):
        return _forward_windows_from_input_size(case)
    if function != case.exercise.backward or not DOUT_AT_INPUT_POSITION.search(failing_line(error)):
        return None
    param = case.extras[0]
    s = param["stride"]
    pad = param.get("pad", 0)
    h, w = case["x"].shape[2:]
    h_out, w_out = case.dout.shape[2:]
    counts = {(-(-h // s), -(-w // s)), (-(-(h + 2 * pad) // s), -(-(w + 2 * pad) // s))}
    if not any(rows > h_out or cols > w_out for rows, cols in counts):
        return None
    if "pool_height" in param:
        return ("Your backward reads dout at row / stride for input positions row in range(0, H, stride): that "
                "is ceil(H / stride) windows, but the forward pooled H' = 1 + (H - pool_height) // stride of them "
                "(and W' likewise), so dout's index runs past its end. Loop over dout's positions, for i in "
                "range(H') and j in range(W'), the window starting at (i * stride, j * stride)."), \
            "pool_backward_window_count"
    return ("Your backward reads dout at row / stride for input positions row in range(0, H, stride): that is "
            "ceil(H / stride) windows, but the forward made H' = 1 + (H + 2 * pad - HH) // stride of them (and W' "
            "likewise), so dout's index runs past its end here (and where there are more windows, the last ones "
            "are left out). Loop over dout's positions, for i in range(H') and j in range(W'), the window starting "
            "at (i * stride, j * stride) of x_pad."), "conv_backward_windows_from_input_size"


def _forward_windows_from_input_size(case):
    """The forward's form of _windows_from_input_size: out written at row / stride for input positions."""
    param = case.extras[0]
    if "pool_height" in param:
        return ("Your forward writes out at row / stride for input positions row = 0, stride, 2 * stride, ... up to "
                "H: that is ceil(H / stride) windows, but out holds H' = 1 + (H - pool_height) // stride of them (and "
                "W' likewise): where the windows overlap or do not tile the input, the index runs past out's end. Loop "
                "over out's positions, for i in range(H') and j in range(W'), the window starting at (i * stride, "
                "j * stride)."), "pool_forward_window_count"
    return ("Your forward writes out at row / stride for input positions row = 0, stride, 2 * stride, ... up to H: "
            "that is ceil(H / stride) windows, but out holds H' = 1 + (H + 2 * pad - HH) // stride of them (and W' "
            "likewise), so the index runs past out's end. Loop over out's positions, for i in range(H') and j in "
            "range(W'), the window starting at (i * stride, j * stride) of x_pad."), "conv_forward_window_count"


FIXED_HALF_SLICE = re.compile(r"\[[^\]]*\b[01]\s*::\s*2\b")


def _pool_backward_hardcoded_2x2(error, function, case):
    """dout spread over dx with fixed slices [0::2, 0::2], [1::2, 0::2], ...: an upsampling by 2, right
    for 2 x 2 pools with stride 2 on even sizes only. Read from the student's own line (shown on hidden
    checks too) on a case that is not that."""
    if case is None or function != case.exercise.backward or error.get("type") != "ValueError" \
            or not FIXED_HALF_SLICE.search(failing_line(error)):
        return None
    param = case["pool_param"]
    h, w = case["x"].shape[2:]
    if (param["pool_height"], param["pool_width"], param["stride"]) == (2, 2, 2) and h % 2 == 0 and w % 2 == 0:
        return None
    return ("Your backward spreads dout with fixed slices such as [0::2, 0::2] and [1::2, 1::2]: an upsampling by 2, "
            "right only for 2 x 2 pools with stride 2 on an even H and W. Here the pool is "
            f"{param['pool_height']} x {param['pool_width']} with stride {param['stride']} on {h} x {w}: loop over "
            "dout's positions (i, j) and give dout[:, :, i, j] to the maximum of the window starting at "
            "(i * stride, j * stride)."), "pool_backward_hardcoded_2x2"


def _pool_output_shape(out_shape, expected, hint, kind, case):
    if case is None or len(out_shape) != 4 or out_shape[:2] != expected[:2]:
        return hint, kind, None
    param = case["pool_param"]
    h, w = case["x"].shape[2:]
    stride_one = (1 + h - param["pool_height"], 1 + w - param["pool_width"])
    if param["stride"] != 1 and tuple(out_shape[2:]) == stride_one:
        return ("Your output has the size of a stride-1 pooling: move each window by pool_param['stride'] "
                "(H' = 1 + (H - pool_height) // stride)."), kind, "pool_stride_ignored"
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    rows = 1 + (h - ph) // s
    if h != w and tuple(out_shape[2:]) == (rows, 1 + (h - pw) // s) != tuple(expected[2:]):
        return ("Your output has 1 + (H - pool_width) // stride columns, a width computed from H: W' = "
                "1 + (W - pool_width) // stride, with W = x.shape[3] (H' takes H, W' takes W)."), kind, "pool_output_width_from_height"
    if rows != expected[3] and tuple(out_shape[2:]) == (rows, rows):
        return ("Your output is square (H' x H'), but H' and W' differ here: W' = 1 + (W - pool_width) // stride, "
                "from W = x.shape[3]."), kind, "pool_output_square_assumed"
    tiled = {(h // param["pool_height"], w // param["pool_width"]), (h // param["stride"], w // param["stride"])}
    if tuple(out_shape[2:]) in tiled:
        return ("The output has H' = 1 + (H - pool_height) // stride rows (W' likewise): H // pool_height or "
                "H // stride count the windows only when they tile x exactly, stride = pool size."), kind, \
            "pool_output_size_formula"
    return hint, kind, None


def _spatial_output_shape(out_shape, expected, hint, kind, case):
    """(N, C, W, H) for (N, C, H, W): channels moved back with swapaxes(1, 3) or transpose(0, 3, 2, 1)."""
    n, c, h, w = expected
    if len(out_shape) == 4 and h != w and tuple(out_shape) == (n, c, w, h):
        return ("out has H and W exchanged: (N, H, W, C) moved back with swapaxes(1, 3) or transpose(0, 3, 2, 1) "
                "gives (N, C, W, H). Use transpose(0, 3, 1, 2), which keeps H before W."), kind, \
            "spatial_axes_swapped"
    return hint, kind, None


def _groupnorm_output_shape(out_shape, expected, hint, kind, case):
    """gamma (1, C, 1, 1) expanded once more, as if it had shape (C,)."""
    if GROUPNORM_GAMMA_SHAPE == "(1, C, 1, 1)" and len(out_shape) > len(expected) \
            and tuple(out_shape[-len(expected):]) == tuple(expected):
        return ("gamma and beta already have shape (1, C, 1, 1) here: multiply by them as they are (adding axes "
                "to them, as for a (C,) gamma, gives an output with extra axes)."), kind, "groupnorm_gamma_reshaped"
    return hint, kind, None


def _groupnorm_error(error, function, case):
    """gamma[c] on a gamma of shape (1, C, 1, 1): numpy says axis 0 has size 1, or (for c = 0) the
    (C, 1, 1) it gives does not broadcast. Only where the message shows it."""
    message = error.get("message", "")
    channels = case["x"].shape[1] if case is not None else None
    # gamma[0] of a (1, C, 1, 1) gamma is (C, 1, 1), which does not broadcast against a channel's (N, H, W)
    dropped_axis = error.get("type") == "ValueError" and channels is not None and channels > 1 \
        and f"({channels},1,1)" in message.replace(" ", "")
    past_axis_0 = error.get("type") == "IndexError" and "out of bounds for axis 0 with size 1" in message
    if GROUPNORM_GAMMA_SHAPE == "(1, C, 1, 1)" and (dropped_axis or past_axis_0) \
            and re.search(r"\b(gamma|beta)\[", failing_line(error)):
        return ("gamma and beta have shape (1, C, 1, 1) here, so gamma[c] indexes their first axis, of size 1: take "
                "channel c as gamma[0, c, 0, 0] (or flatten once, gamma.reshape(-1)), or multiply by gamma as it "
                "is, which broadcasts over (N, C, H, W)."), "groupnorm_gamma_indexed_as_vector"
    return None


def _groupnorm_group_axis_dropped(error, function, case):
    """With G = 1 the group axis has size 1, and squeeze() drops it with every other size-1 axis: an
    (N, G) statistic becomes (N,), meets an (N, 1) one and broadcasts to (N, N). Named where the
    message shows an array of N * N entries reshaped to N * G = N entries (G = 1, N > 1: no array of a
    right computation has N * N entries there). A broadcast error naming an (N, N) shape is left alone:
    H x W can be N x N too."""
    if case is None or case["G"] != 1 or error.get("type") != "ValueError":
        return None
    # Only a message shows it, so only on a public case, and the public cases with G = 1 are edge
    # cases, checked once the main ones (G > 1) pass: statistics over the wrong axes fail those first.
    n = case["x"].shape[0]
    message = error.get("message", "").replace(" ", "")
    reshaped = re.search(r"cannotreshapearrayofsize(\d+)intoshape\(([\d,]+)\)", message)
    square = reshaped is not None and int(reshaped.group(1)) == n * n \
        and int(np.prod([int(k) for k in reshaped.group(2).split(",") if k])) == n
    if n > 1 and square:
        return ("With G = 1 an array of N x N = {0} x {0} entries appears where one value per example and group "
                "belongs: an (N, G) statistic lost its group axis of size G = 1 (squeeze() drops every size-1 axis, "
                "G's too) and broadcast against an (N, 1) one. Keep the axes: squeeze(axis=...) only the axes you "
                "mean, or keepdims=True.".format(n)), "groupnorm_squeeze_breaks_g1"
    return None


def _padded_gradient_shape(grad_name, grad_shape, input_name, input_shape):
    """A dx of the padded x's shape, or an empty one: the crop after the backward."""
    if grad_name != "dx" or len(grad_shape) != 4 or tuple(grad_shape[:2]) != tuple(input_shape[:2]):
        return None
    if 0 in grad_shape[2:]:
        return ("dx is empty: a crop such as dx_pad[:, :, pad:-pad, pad:-pad] keeps nothing when pad = 0 (-0 is 0). "
                "Crop with dx_pad[:, :, pad:pad + H, pad:pad + W] instead."), "conv_crop_empty_at_pad_0"
    if grad_shape[2] - input_shape[2] == grad_shape[3] - input_shape[3] > 0:
        return ("dx has the padded x's shape: crop the padding off, dx = dx_pad[:, :, pad:pad + H, "
                "pad:pad + W]."), "wrong_shape"
    if grad_shape[2] - input_shape[2] == grad_shape[3] - input_shape[3] == -2:
        # Smaller than x by 2 on both axes: only a crop of 1 on each side of an unpadded dx_pad (pad = 0) gives it.
        return ("dx is 2 rows and 2 columns smaller than x: a crop such as dx_pad[:, :, 1:-1, 1:-1] is right for "
                "pad = 1 only. Crop with the pad of conv_param: dx_pad[:, :, pad:pad + H, pad:pad + W]."), \
            "conv_crop_hardcoded"
    h, w = input_shape[2:]
    if h != w and tuple(grad_shape[2:]) in {(h, h), (w, w)}:
        return (f"dx is {grad_shape[2]} x {grad_shape[3]} but x is {h} x {w}: the crop uses one size for both axes. "
                "Crop the rows with H and the columns with W: dx_pad[:, :, pad:pad + H, pad:pad + W]."), \
            "conv_crop_square_assumed"
    return None


def _conv_error(error, function, case):
    """The crop dx_pad[:, :, pad:-pad, pad:-pad] at pad = 0: an empty array assigned into dx. And in the
    forward, x copied by hand into a zero array's [pad:-pad, pad:-pad], empty at pad = 0 too: read from
    the student's own line (shown on hidden checks too), a slice p:-p of one name."""
    message = error.get("message", "")
    if case is not None and function == case.exercise.forward and case["conv_param"]["pad"] == 0 \
            and error.get("type") == "ValueError" and re.search(r"\b(\w+)\s*:\s*-\s*\1\b", failing_line(error)):
        return ("A slice [pad:-pad] is empty when pad = 0 (-0 is 0, so it stops before it starts): copy x into "
                "[pad:pad + H, pad:pad + W] of the padded array, or pad with np.pad(x, ((0, 0), (0, 0), (pad, pad), "
                "(pad, pad)))."), "conv_pad_slice_empty_at_pad_0"
    if case is not None and function == case.exercise.backward and case["conv_param"]["pad"] != 1 \
            and error.get("type") == "ValueError" and re.search(r"\[[^\]]*\b1\s*:\s*-\s*1\s*,\s*1\s*:\s*-\s*1\b",
                                                                failing_line(error)):
        # the student's own line crops a constant 1 off each side (shown on hidden checks too)
        return ("Your crop of dx_pad is a fixed [1:-1, 1:-1], right for pad = 1 only; here pad = "
                f"{case['conv_param']['pad']}. Crop with the pad of conv_param: dx_pad[:, :, pad:pad + H, "
                "pad:pad + W]."), "conv_crop_hardcoded"
    if case is not None and function == case.exercise.backward and case["conv_param"]["pad"] == 0 \
            and "broadcast" in message and re.search(r"\((\d+,)*0,0\)", message.replace(" ", "")):
        return ("dx_pad[:, :, pad:-pad, pad:-pad] is empty when pad = 0 (-0 is 0): crop with "
                "dx_pad[:, :, pad:pad + H, pad:pad + W] instead."), "conv_crop_empty_at_pad_0"
    return None


def _conv_kernel_index_past(error, function, case):
    """An index into w's columns (or rows) that reaches the kernel's other size: a loop or test bounding
    the columns by HH (or the rows by WW), as if the kernel were square. Only where the message shows
    it, the student's line indexes w, and no other array of the case has an axis of that size."""
    message = error.get("message", "")
    found = re.search(r"index (\d+) is out of bounds for axis (\d) with size (\d+)", message)
    if case is None or error.get("type") != "IndexError" or not found \
            or not re.search(r"\b[wW]\w*\[", failing_line(error)):
        return None
    index, axis, size = (int(k) for k in found.groups())
    _, _, hh, ww = case["w"].shape
    other = {2: ww, 3: hh}.get(axis)
    pad, (h, w) = case["conv_param"]["pad"], case["x"].shape[2:]
    sizes_elsewhere = {h, w, h + 2 * pad, w + 2 * pad, *case.dout.shape[2:]} if case.dout is not None else {h, w}
    if other is None or size != case["w"].shape[axis] or not size <= index < other or size in sizes_elsewhere:
        return None
    return ("Your index into w's {0} reached {1}, but the kernel has only {2} = w.shape[{3}] of them: the kernel is "
            "HH x WW, not necessarily square, and your code bounds its {0} by {4}. Bound the rows by HH and the "
            "columns by WW.".format("columns" if axis == 3 else "rows", index, "WW" if axis == 3 else "HH", axis,
                                    "HH" if axis == 3 else "WW")), "conv_square_kernel_assumed"


def _dw_line_broadcast_shapes(error, function, case) -> set[tuple[int, ...]] | None:
    """The last two sizes of each shape numpy names in a broadcast error raised on the backward's line
    that computes dw; None for any other error (a hidden case's message is withheld: then None too)."""
    message = error.get("message", "").replace(" ", "")
    if case is None or case.dout is None or function != case.exercise.backward \
            or error.get("type") != "ValueError" or "broadcast" not in message \
            or not re.match(r"d[wW]\w*\s*(\[|=|\+=)", failing_line(error)):
        return None
    return {tuple(int(k) for k in found.split(",") if k)[-2:] for found in re.findall(r"\(([\d,]+)\)", message)}


def _conv_dw_output_square(error, function, case):
    """dw's strided slice of x_pad taken H' long on both axes (or W'): it meets dout's (H', W') and numpy
    names both shapes. Only where the message shows it and the student's line computes dw."""
    shapes = _dw_line_broadcast_shapes(error, function, case)
    if shapes is None:
        return None
    h_out, w_out = case.dout.shape[2:]
    if h_out != w_out and (h_out, w_out) in shapes and shapes & {(h_out, h_out), (w_out, w_out)}:
        return ("The input you multiply dout by for dw has H' x H' (or W' x W') positions, but dout has H' x W' = "
                "{0} x {1}: the output is square only when H' = W'. Take H' rows and W' columns, x_pad[:, c, kh:kh + H' * "
                "stride:stride, kw:kw + W' * stride:stride].".format(h_out, w_out)), "conv_dw_square_output_assumed"
    return None


def _conv_dw_kernel_loop_past(error, function, case):
    """dw's loop over the kernel's columns bounded by HH (or its rows by WW), as if the kernel were
    square: at the first column past WW the strided slice of x_pad is one short of dout's W' and numpy
    names both shapes. Only at stride 1 (where one past the kernel is exactly one short), with a
    kernel smaller on that axis than on the other, and the student's line computing dw."""
    shapes = _dw_line_broadcast_shapes(error, function, case)
    if shapes is None or case["conv_param"]["stride"] != 1:
        return None
    out = tuple(case.dout.shape[2:])
    _, _, hh, ww = case["w"].shape
    for axis, (own, other) in enumerate(((hh, ww), (ww, hh))):
        short = tuple(size - (i == axis) for i, size in enumerate(out))
        if own < other and out in shapes and short in shapes:
            rows = axis == 0
            return ("dw's slice of x_pad is one {0} short of dout's {1} x {2}: your loop over the kernel's {0}s goes "
                    "past {3} = {4}, bounded by {5} = {6} instead. The kernel is HH x WW, not necessarily square: "
                    "loop over range(HH) for its rows and range(WW) for its columns.".format(
                        "row" if rows else "column", *out, "HH" if rows else "WW", own, "WW" if rows else "HH",
                        other)), "conv_square_kernel_assumed"
    return None


def _conv_window_cut(error, function, case):
    """A window sliced from x instead of the padded x: at the edge it is cut short, and numpy names
    its shape beside the kernel's. Only where the message shows it."""
    message = error.get("message", "").replace(" ", "")
    if case is None or error.get("type") != "ValueError" or "broadcast" not in message \
            or case["conv_param"]["pad"] == 0:
        return None
    kernel = case["w"].shape[1:]
    stride, pad = case["conv_param"]["stride"], case["conv_param"]["pad"]
    (h, w), (hh, ww) = case["x"].shape[2:], kernel[1:]
    h_out, w_out = _conv_sizes(case)
    # windows of the padded x on a W' x H' grid (H and W exchanged): cut where they run past its end
    exchanged = _cut_windows(w_out, h_out, h + 2 * pad, w + 2 * pad, hh, ww, stride) if h_out != w_out else set()
    for found in re.findall(r"\(([\d,]+)\)", message):
        shape = tuple(int(n) for n in found.split(",") if n)
        if len(shape) >= 3 and shape[-3] == kernel[0] and shape[-2:] != kernel[1:] \
                and all(a <= b for a, b in zip(shape[-2:], kernel[1:])) \
                and shape[-2:] in _cut_windows(h_out, w_out, h, w, hh, ww, stride) - exchanged:
            return ("A window is cut off at the edge of x: with pad > 0 the windows run over the padded x, "
                    "x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))); slice x_pad, not x."), \
                "conv_window_from_unpadded_x"
    return None


def _cut_windows(rows: int, cols: int, height: int, width: int, hh: int, ww: int, stride: int) -> set:
    """The (rows, columns) of the windows of a rows x cols grid, moved by the stride over an array of
    height x width, that are cut short at its end and do not broadcast against an hh x ww kernel."""
    def fits(size, kernel):
        return size == kernel or 1 in (size, kernel)
    cut = set()
    for i in range(rows):
        for j in range(cols):
            size = (max(0, min(hh, height - i * stride)), max(0, min(ww, width - j * stride)))
            if not (fits(size[0], hh) and fits(size[1], ww)):
                cut.add(size)
    return cut


def _conv_forward_crop_hardcoded(error, function, case):
    """x padded on every axis (np.pad(x, pad)) and cropped by a fixed 1 on the examples and channels
    (x_pad[1:-1, 1:-1]): N + 2 pad - 2 examples and C + 2 pad - 2 channels, right for pad = 1 only.
    Only where the message shows it: an index past N + 2 pad - 2 examples (or channels), or windows of
    C + 2 pad - 2 channels meeting the kernel's C."""
    message = error.get("message", "").replace(" ", "")
    if case is None or function != case.exercise.forward or case["conv_param"]["pad"] == 1:
        return None
    pad, (n, c) = case["conv_param"]["pad"], case["x"].shape[:2]
    sizes = {0: n + 2 * pad - 2, 1: c + 2 * pad - 2}
    past = re.search(r"index(\d+)isoutofboundsforaxis(\d)withsize(\d+)", message)
    kernel = tuple(case["w"].shape[1:])
    shapes = {tuple(int(k) for k in found.split(",") if k) for found in re.findall(r"\(([\d,]+)\)", message)}
    axis = None
    if error.get("type") == "IndexError" and past:
        index, axis, size = (int(k) for k in past.groups())
        # a loop over range(N) (or range(C)) runs past the cropped axis at its first missing index
        if axis not in sizes or not size == sizes[axis] == index < (n, c)[axis]:
            return None
    elif error.get("type") == "ValueError" and "broadcast" in message and any(s[-3:] == kernel for s in shapes) \
            and any(s[-3:] == (sizes[1],) + kernel[1:] for s in shapes):
        axis = 1
    if axis is None:
        return None
    what, name, size = (("examples", "N", n), ("channels", "C", c))[axis]
    return (f"Your padded x has {name} + 2 * pad - 2 = {sizes[axis]} {what} where x has {name} = {size} (pad = {pad}): "
            f"what padding every axis by pad (np.pad(x, pad) does that, the {what} too) and then cropping a fixed 1 "
            "off each end gives, right for pad = 1 only. Pad the spatial axes alone, np.pad(x, ((0, 0), (0, 0), "
            "(pad, pad), (pad, pad))), and crop nothing."), "conv_forward_crop_hardcoded"


def _conv_square_window(error, function, case):
    """A window sliced with one kernel size for both axes (r:r + k, c:c + k) meets a kernel that is not
    square: its window and w[f] do not broadcast. Read from the student's own line (shown on hidden
    checks too): both spatial slices end with the same name added."""
    if case is None or error.get("type") not in ("ValueError", "IndexError"):
        return None
    _, _, hh, ww = case["w"].shape
    # the names added at the end of slices (start:start + k), not of plain indices (i + pad)
    ends = re.findall(r":[^,:\[\]]*\+\s*([A-Za-z_]\w*)\s*(?=[,\]])", failing_line(error))
    if hh != ww and any(a == b for a, b in zip(ends, ends[1:])):
        return ("The kernel is HH x WW = w.shape[2] x w.shape[3], not necessarily square, but your window's rows and "
                "columns are sliced with one size: slide windows of HH rows and WW columns."), \
            "conv_square_kernel_assumed"
    return None


def _conv_output_square(error, function, case):
    """out sized (H', H') or (W', W') by one formula: the loop over the other axis runs past it.
    Only where the message shows it (a hidden case's message is withheld)."""
    message = error.get("message", "")
    if case is None or function != case.exercise.forward or error.get("type") != "IndexError":
        return None
    h_out, w_out = _conv_sizes(case)
    if (w_out > h_out and f"out of bounds for axis 3 with size {h_out}" in message) or \
            (h_out > w_out and f"out of bounds for axis 2 with size {w_out}" in message):
        return ("Your output is square, but H' and W' differ here: H' = 1 + (H + 2 * pad - HH) // stride and "
                "W' = 1 + (W + 2 * pad - WW) // stride, each from its own axis."), "conv_output_square_assumed"
    return None


def _square_reshape(error, function, case):
    """out reshaped to (..., out_h, out_h): the output taken as square. Read from the student's own
    line (shown on hidden checks too), not from the withheld message."""
    line = failing_line(error)
    repeated = re.search(r"reshape\([^()]*\b([A-Za-z_]\w*)\s*,\s*\1\s*\)", line)
    if error.get("type") != "ValueError" or not repeated:
        return None
    conv = function.startswith("conv")
    width = "W' = 1 + (W + 2 * pad - WW) // stride" if conv else "W' = 1 + (W - pool_width) // stride"
    return (f"This reshape gives both spatial axes the size {repeated.group(1)}, but the output is square only when "
            f"H' = W': reshape to (..., H', W'), each from its own axis ({width})."), \
        "conv_output_square_assumed" if conv else "pool_output_square_assumed"


def _conv_describe(extras) -> str:
    return f", stride {extras[0]['stride']}, pad {extras[0]['pad']}"


def _pool_describe(extras) -> str:
    param = extras[0]
    return f", pool {param['pool_height']}x{param['pool_width']}, stride {param['stride']}"


def _dropout_describe(extras) -> str:
    return f", {extras[0]['mode']} mode, p = {extras[0]['p']}" + ("" if "seed" in extras[0] else ", no seed")


NUMPY_IDS = {
    "numpy2_array_as_scalar": "a 1-element array used as a number (int(array), an element set to a (1, 1) array): "
                              "NumPy 1.x code that NumPy 2 refuses",
    "size_true_division": "a size or index computed with / (Python 2's integer division), a float in Python 3",
    "ragged_array": "NumPy asked to make one array of pieces of different shapes (a cache tuple used as an array, "
                    "np.vstack of caches), which NumPy 1.24+ refuses",
}
# The stability check's id for every normalisation here (_zero_variance).
ZERO_VARIANCE_IDS = {
    "zero_variance_not_finite": "a normalisation gives NaN or inf where the values of one mean and variance are all "
                                "equal: sqrt(var) without eps, or another division by something that is 0 there",
}
CONV_IDS = {
    "param_dict_read_by_key_order": "conv_forward_naive reads stride and pad from conv_param by the order of its keys "
                                    "(conv_param.values()), not by name: exchanged when the dict is built pad first",
    "conv_forward_window_count": "conv_forward walks the input positions, 0, stride, ... up to H, and writes "
                                 "out[row / stride]: ceil(H / stride) windows instead of out's H'",
    "conv_backward_windows_from_input_size": "conv_backward loops over input positions, range(0, H, stride), and "
                                             "reads dout[row / stride]: ceil(H / stride) windows instead of dout's H'",
    "conv_crop_empty_at_pad_0": "conv_backward crops dx_pad[:, :, pad:-pad, pad:-pad], empty when pad = 0",
    "conv_dw_square_output_assumed": "conv_backward's dw slices x_pad with H' positions for the width too (or W' for "
                                     "the height): the output taken as square",
    "conv_pad_slice_empty_at_pad_0": "conv_forward_naive pads by hand, copying x into [pad:-pad, pad:-pad] of a zero "
                                     "array: empty when pad = 0",
    "conv_square_kernel_assumed": "conv_forward_naive uses one kernel size for both axes (HH for WW or WW for HH)",
    "conv_stride_ignored": "conv_forward_naive moves its windows by 1 whatever conv_param['stride'] says",
    "conv_pad_hardcoded": "conv_forward_naive pads by a fixed amount instead of conv_param['pad']",
    "conv_window_from_unpadded_x": "a convolution slices its windows from x instead of the padded x (cut off at the "
                                   "edge)",
    "conv_crop_hardcoded": "conv_backward crops a fixed amount off dx_pad (1:-1), right for pad = 1 only",
    "conv_crop_square_assumed": "conv_backward crops dx_pad with one size for both axes (pad:pad + H for the columns "
                                "too)",
    "conv_output_square_assumed": "conv_forward_naive sizes its output's width from H (H' for W'): the output taken "
                                  "as square",
    "conv_output_height_width_exchanged": "conv_forward_naive's output has its height and width exchanged, (N, F, W', "
                                          "H') for (N, F, H', W'): H and W (or H' and W') taken in each other's place",
    "conv_forward_crop_hardcoded": "conv_forward_naive pads every axis of x (np.pad(x, pad)) and crops a fixed 1 off "
                                   "the examples and channels: N + 2 pad - 2 of each, right for pad = 1 only",
}
POOL_IDS = {
    "pool_forward_window_count": "max_pool_forward walks the input positions, 0, stride, ... up to H, and writes "
                                 "out[row / stride]: ceil(H / stride) windows instead of out's H'",
    "pool_backward_hardcoded_2x2": "max_pool_backward spreads dout with fixed slices [0::2, 0::2], [1::2, 0::2], ... "
                                   "(an upsampling by 2): right for 2 x 2 pools with stride 2 on even sizes only",
    "pool_backward_moved_by_window_size": "max_pool_backward puts a window's gradient at i * pool_height + row (the "
                                          "window moved by its size), not i * stride + row",
    "pool_stride_ignored": "max_pool_forward_naive moves its windows by 1 whatever pool_param['stride'] says",
    "pool_tie_lost": "max_pool_backward at a tied maximum: the window's dout reaches its maxima neither once nor "
                     "once each (lost, doubled, NaN)",
    "pool_tie_wrong_elsewhere": "max_pool_backward is wrong away from a tied maximum when the input has one",
    "pool_output_square_assumed": "max pooling reshapes its output with one size for both spatial axes (H' for W')",
    "pool_output_width_from_height": "max_pool_forward sizes its output's width from H: 1 + (H - pool_width) // stride "
                                     "for W'",
    "pool_output_size_formula": "max_pool_forward sizes its output H // pool_height or H // stride instead of "
                                "1 + (H - pool_height) // stride",
}
SPATIAL_IDS = {
    "spatial_axes_swapped": "spatial batchnorm moves the channels back with swapaxes(1, 3): H and W come out exchanged",
}
GROUPNORM_IDS = {
    "groupnorm_gamma_reshaped": "groupnorm adds axes to gamma / beta, which already have shape (1, C, 1, 1)",
    "groupnorm_gamma_indexed_as_vector": "groupnorm indexes gamma / beta as if of shape (C,) (gamma[c]); they have "
                                         "shape (1, C, 1, 1)",
    "groupnorm_squeeze_breaks_g1": "groupnorm squeezes a per-group statistic: with G = 1 its group axis is dropped "
                                   "and an (N,) meets an (N, 1) array, (N, N) (right for G > 1)",
}
DROPOUT_IDS = {
    "dropout_mask_2d": "dropout draws its mask with two axes (N, D) and breaks on 4-D input",
    "dropout_not_rescaled": "dropout keeps units without dividing by p (not inverted dropout): test mode is then wrong",
    "dropout_mask_not_binary": "dropout multiplies the kept units by different numbers: the mask holds the random draws "
                               "themselves, not 0 and 1 / p",
    "dropout_branch_unwritten": "dropout_forward leaves the branch of one mode as the stub's pass: out is still None at "
                                "the stub's out.astype line",
}

EXERCISES = [
    Exercise("batchnorm_alt", "batchnorm_forward", "batchnorm_backward_alt", ("x", "gamma", "beta"),
             _batchnorm_inputs, extras=("bn_param",), batched=True, broadcast=("gamma", "beta"),
             describe=lambda extras: f", {extras[0]}", error_hint=numpy2_error,
             stability=_zero_variance("feature"), mistake_ids={**NUMPY_IDS, **ZERO_VARIANCE_IDS}),
    Exercise("layernorm", "layernorm_forward", "layernorm_backward", ("x", "gamma", "beta"), _layernorm_inputs,
             extras=("ln_param",), batched=True, broadcast=("gamma", "beta"), read_only=("ln_param",),
             describe=lambda extras: f", {extras[0]}", error_hint=numpy2_error,
             stability=_zero_variance("example"), mistake_ids=ZERO_VARIANCE_IDS),
    Exercise("dropout", "dropout_forward", "dropout_backward", ("x",), _dropout_inputs, extras=("dropout_param",),
             batched=True, describe=_dropout_describe, read_only=("dropout_param",),
             error_hint=either(_dropout_error, numpy2_error),
             accepts=_dropout_accepts, output_reading=_dropout_reading, mistake_ids=DROPOUT_IDS),
    Exercise("conv", "conv_forward_naive", "conv_backward_naive", ("x", "w", "b"), _conv_inputs,
             extras=("conv_param",), batched=True, describe=_conv_describe, read_only=("conv_param",), output_shape=_conv_output_shape,
             gradient_shape=_padded_gradient_shape,
             error_hint=either(_conv_error, _conv_forward_crop_hardcoded, _windows_from_input_size, _conv_square_window, _conv_kernel_index_past,
                               _conv_dw_output_square, _conv_dw_kernel_loop_past, _conv_window_cut, _conv_output_square,
                               numpy2_error, _square_reshape),
             mirror=_conv_mirror, mistake_ids=CONV_IDS),
    Exercise("max_pool", "max_pool_forward_naive", "max_pool_backward_naive", ("x",), _pool_inputs,
             extras=("pool_param",), batched=True, describe=_pool_describe, read_only=("pool_param",), output_shape=_pool_output_shape,
             convention=Convention(_plant_pool_ties, _judge_pool_ties),
             error_hint=either(_pool_error, _pool_backward_index, _windows_from_input_size, _pool_backward_hardcoded_2x2,
                               numpy2_error, _square_reshape),
             mirror=_pool_mirror, mistake_ids=POOL_IDS),
    Exercise("spatial_batchnorm", "spatial_batchnorm_forward", "spatial_batchnorm_backward", ("x", "gamma", "beta"),
             _spatial_batchnorm_inputs, extras=("bn_param",), batched=True, output_shape=_spatial_output_shape,
             describe=lambda extras: f", {extras[0]}", error_hint=numpy2_error,
             stability=_zero_variance("channel"), mistake_ids={**SPATIAL_IDS, **ZERO_VARIANCE_IDS}),
    Exercise("spatial_groupnorm", "spatial_groupnorm_forward", "spatial_groupnorm_backward", ("x", "gamma", "beta"),
             _groupnorm_inputs, extras=("G", "gn_param"), batched=True, read_only=("gn_param",), broadcast=("gamma", "beta"),
             describe=lambda extras: f", G = {extras[0]}", output_shape=_groupnorm_output_shape,
             error_hint=either(_groupnorm_error, _groupnorm_group_axis_dropped, numpy2_error),
             stability=_zero_variance("group"), mistake_ids={**GROUPNORM_IDS, **ZERO_VARIANCE_IDS}),
]
