"""The rnn_layers assignment (CS231n assignment 3, cs231n/rnn_layers.py), declared: the vanilla RNN
and the LSTM (a step, and a sequence through time), the word embedding, the temporal affine layer
and the masked temporal softmax loss.

CS231n's signatures exactly, so a student's rnn_layers.py grades unchanged: several outputs and
upstream gradients (lstm_step_forward returns next_h and next_c), integer inputs before the
differentiable ones (word_embedding_forward(x, W)), labels and a mask after the scores
(temporal_softmax_loss(x, y, mask)). This half ships in a release; the hidden shapes and the known
mistakes are in reference/rnn_layers/hidden.py.
"""
from __future__ import annotations

import re

import numpy as np

from grader.declare import Exercise, Extreme, Stability, code_lines, either


def _weights(rng: np.random.Generator, d: int, h: int, gates: int) -> dict[str, np.ndarray]:
    """Wx (D, gates * H), Wh (H, gates * H), b (gates * H,), scaled so that tanh and the sigmoids
    work in their curved range rather than saturate."""
    return {"Wx": rng.normal(size=(d, gates * h)) / np.sqrt(d), "Wh": rng.normal(size=(h, gates * h)) / np.sqrt(h),
            "b": 0.5 * rng.normal(size=gates * h)}


def _step_inputs(gates: int, cell: bool):
    def make(rng: np.random.Generator, config: dict):
        n, d, h = config["N"], config["D"], config["H"]
        arrays = {"x": rng.normal(size=(n, d)), "prev_h": rng.normal(size=(n, h))}
        if cell:
            arrays["prev_c"] = rng.normal(size=(n, h))
        return {**arrays, **_weights(rng, d, h, gates)}, ()
    return make


def _sequence_inputs(gates: int):
    def make(rng: np.random.Generator, config: dict):
        n, t, d, h = config["N"], config["T"], config["D"], config["H"]
        return {"x": rng.normal(size=(n, t, d)), "h0": rng.normal(size=(n, h)), **_weights(rng, d, h, gates)}, ()
    return make


def _embedding_inputs(rng: np.random.Generator, config: dict):
    """Indices from a vocabulary smaller than the number of positions, so that words repeat (their
    gradients must add up)."""
    n, t, v, d = config["N"], config["T"], config["V"], config["D"]
    return {"W": rng.normal(size=(v, d))}, (rng.integers(0, v, size=(n, t)),)


def _temporal_affine_inputs(rng: np.random.Generator, config: dict):
    n, t, d, m = config["N"], config["T"], config["D"], config["M"]
    return {"x": rng.normal(size=(n, t, d)), "w": rng.normal(size=(d, m)) / np.sqrt(d),
            "b": rng.normal(size=m)}, ()


def _temporal_softmax_inputs(rng: np.random.Generator, config: dict):
    """Scores (N, T, V), labels (N, T), and a mask with some steps off (every sequence keeps its
    first step, as a caption does)."""
    n, t, v = config["N"], config["T"], config["V"]
    mask = rng.random(size=(n, t)) < config.get("keep", 0.7)
    mask[:, 0] = True
    return {"x": rng.normal(size=(n, t, v))}, (rng.integers(0, v, size=(n, t)), mask)


def _large_scores(case) -> dict[str, np.ndarray]:
    """Scores around 1e3: exp overflows unless each step's max is subtracted."""
    return {"x": case.arrays["x"] + 1000.0}


TEMPORAL_SOFTMAX_STABILITY = Stability(
    (Extreme(_large_scores),),
    "Subtract the max over the vocabulary (axis 2, keepdims=True) before exp: the softmax is unchanged and "
    "exp can no longer overflow.", "temporal_softmax_overflow")


def _saturating_inputs(case) -> dict[str, np.ndarray]:
    """b (and an LSTM step's prev_c) at +-1e3, so that every pre-activation is about +-1e3: np.tanh gives
    +-1 there, tanh written with exp gives inf / inf = NaN (exp overflows above 710)."""
    arrays = dict(case.arrays)
    for name in ("b", "prev_c"):
        if name in arrays:
            large = arrays[name].copy()
            large.flat[::2] = 1000.0
            large.flat[1::2] = -1000.0
            arrays[name] = large
    return arrays


TANH_STABILITY = Stability(
    (Extreme(_saturating_inputs, " with pre-activations around 1e3"),),
    "Use np.tanh: tanh written with exp, (exp(z) - exp(-z)) / (exp(z) + exp(-z)), is inf / inf = NaN once "
    "|z| > 710, where np.tanh gives +-1.",
    "tanh_overflow")

LSTM_STABILITY = Stability(
    (Extreme(_saturating_inputs, " with pre-activations around 1e3"),),
    "A tanh or sigmoid written with exp overflows once |z| > 710 (inf / inf = NaN): use np.tanh, and a sigmoid "
    "that never takes exp of a large positive number (1 / (1 + exp(-z)) where z >= 0, exp(z) / (1 + exp(z)) "
    "where z < 0).",
    "lstm_activation_overflow")


def _temporal_affine_error(error, function, case):
    """The 2-D affine's dw = x.T @ dout kept for 3-D x: numpy's message shows x.T's shape, (D, T, N).
    Only where the message shows it (a hidden case's message is withheld)."""
    message = error.get("message", "")
    if error.get("type") != "ValueError" or case is None or not function.endswith("_backward"):
        return None
    x = case.arrays["x"]
    if str(tuple(reversed(x.shape))).replace(" ", "") in message.replace(" ", ""):
        return ("x.T of x (N, T, D) has shape (D, T, N), not (D, N): flatten x to (N * T, D) and dout to (N * T, M) "
                "first, dw = x.reshape(-1, D).T @ dout.reshape(-1, M)."), "dw_not_flattened"
    return None


def _code_lines(error) -> list[str]:
    """The student's code lines in the error's traceback."""
    return code_lines(error.get("traceback"))


def _cache_consumed(error, function, case):
    """A sequence backward that pop()s its cache empties it: a second call on the same cache fails,
    whatever the exception (an empty list, or a step's cache popped where a number was). A step's cache
    read at a fixed index (cache[1], cache[9]) is not there when the sequence is shorter."""
    if not function.endswith("_backward"):
        return None
    message, kind, lines = error.get("message", ""), error.get("type"), _code_lines(error)
    if any(re.search(r"\bcache\w*\.pop\(", line) for line in lines) or \
            (kind == "IndexError" and "pop from empty list" in message):
        return ("Your backward takes items out of the cache list (pop()), so a second call on the same cache finds "
                "it changed: read cache[t] (and anything else by its index) instead, and leave the cache as the "
                "forward made it."), "cache_consumed"
    steps = case.arrays["x"].shape[1] if case is not None and case.arrays["x"].ndim == 3 else None
    if kind in ("IndexError", "KeyError") and steps is not None and lines:
        fixed = [int(k) for k in re.findall(r"\bcache\w*\[(\d+)\]", lines[-1])]
        if any(k >= steps for k in fixed):
            k = max(fixed)
            return (f"cache[{k}] is step {k}'s cache, and this sequence has T = {steps} step(s): read what every step "
                    "shares (x's width, the weights) from cache[0], which exists whenever T >= 1."), \
                "cache_step_index_past_t"
    if kind == "IndexError" and "list index out of range" in message:
        return ("The cache list is shorter than expected: if an earlier call pop()ed steps out of it, read "
                "cache[t] instead, and leave the cache as the forward made it."), "cache_consumed"
    return None


def _batch_axis_dropped(error, function, case):
    """With N = 1, a (k,) array (k an input's width) meets a (1, m) one: a step's input lost its batch axis
    (np.squeeze(x[:, t, :]) drops every size-1 axis). Only where numpy's message shows the shapes (a hidden case's is withheld)."""
    message = error.get("message", "")
    if error.get("type") == "ValueError" and case is not None and case.arrays["x"].ndim == 3 and \
            1 in (case.config.get("N"), case.config.get("D")) and \
            any(re.search(r"\bsqueeze\(\s*x\w*\[", line) for line in _code_lines(error)):
        size = "N = 1" if case.config.get("N") == 1 else "D = 1"
        return (f"Here {size}, and your code squeezes a step's input (np.squeeze(x[:, t, :])): np.squeeze() drops "
                "every size-1 axis, the batch's or the features' too. x[:, t, :] is already (N, D), use it as it "
                "is."), "squeeze_breaks_n1"      # the traceback's own line says it (a hidden case's message is withheld)
    if error.get("type") != "ValueError" or case is None or not message:
        return None
    if case.config.get("N") != 1:
        return None
    widths = {a.shape[-1] for a in case.arrays.values() if a.ndim >= 2 and a.shape[0] == 1}
    shapes = [tuple(int(n) for n in inside.split(",") if n.strip()) for inside in re.findall(r"\(([\d, ]*)\)", message)]
    lost = [s[0] for s in shapes if len(s) == 1 and s[0] in widths]
    batch_of_one = [s for s in shapes if len(s) == 2 and s[0] == 1]
    if not lost or not batch_of_one:
        return None
    keep = "x[:, t, :] is already (N, D), use it as it is" if case.arrays["x"].ndim == 3 else \
        "keep every array 2-D, (N, ...), even when N = 1"
    return (f"Here N = 1, and a ({lost[0]},) array meets a {batch_of_one[0]} one: an array lost its "
            f"batch axis. np.squeeze() drops every size-1 axis, the batch's too: {keep}."), "squeeze_breaks_n1"


def _cache_in_array(error, function, case):
    """The steps' caches stored into a numpy array (cache = np.zeros(T); cache[t] = a tuple)."""
    lines = _code_lines(error)
    if error.get("type") == "ValueError" and "setting an array element with a sequence" in error.get("message", "") \
            and lines and re.search(r"\bcache\w*\[\w+\]\s*(=|,)", lines[-1]):
        return ("A step's cache is a tuple of arrays, which a numpy array of numbers cannot hold: keep the steps' "
                "caches in a list (cache = [], then cache.append(step_cache))."), "cache_in_array"
    return None


SEQUENCE_ERRORS = either(_cache_consumed, _cache_in_array, _batch_axis_dropped)


TANH_IDS = {"tanh_overflow": "the RNN's tanh is written with exp and overflows to NaN for |z| > 710"}
LSTM_IDS = {"lstm_activation_overflow": "the LSTM's tanh or sigmoid is written with exp and overflows to NaN for "
                                        "large pre-activations (|z| > 710)"}
RNN_IDS = {"temporal_softmax_overflow": "temporal_softmax_loss overflows on large scores: the max is not subtracted"}
SEQUENCE_IDS = {"cache_in_array": "a sequence forward stores its steps' caches into a numpy array instead of a list",
                "cache_consumed": "a sequence backward pop()s its cache list: a second call on the same cache fails",
                "cache_step_index_past_t": "a sequence backward reads a step's cache at a fixed index (cache[1]) that "
                                           "a shorter sequence does not have"}


EXERCISES = [
    Exercise("rnn_step", "rnn_step_forward", "rnn_step_backward", ("x", "prev_h", "Wx", "Wh", "b"),
             _step_inputs(1, cell=False), outputs=("next_h",), batched=True, broadcast=("b",),
             error_hint=_batch_axis_dropped, stability=TANH_STABILITY, mistake_ids=TANH_IDS),
    Exercise("rnn", "rnn_forward", "rnn_backward", ("x", "h0", "Wx", "Wh", "b"), _sequence_inputs(1),
             outputs=("h",), batched=True, error_hint=SEQUENCE_ERRORS, stability=TANH_STABILITY,
             mistake_ids=SEQUENCE_IDS),
    Exercise("word_embedding", "word_embedding_forward", "word_embedding_backward", ("W",), _embedding_inputs,
             extras=("x",), signature=("x", "W")),
    Exercise("temporal_affine", "temporal_affine_forward", "temporal_affine_backward", ("x", "w", "b"),
             _temporal_affine_inputs, batched=True, broadcast=("b",), error_hint=_temporal_affine_error),
    Exercise("temporal_softmax", "temporal_softmax_loss", None, ("x",), _temporal_softmax_inputs,
             extras=("y", "mask"), batched=True, stability=TEMPORAL_SOFTMAX_STABILITY, mistake_ids=RNN_IDS),
    Exercise("lstm_step", "lstm_step_forward", "lstm_step_backward", ("x", "prev_h", "prev_c", "Wx", "Wh", "b"),
             _step_inputs(4, cell=True), outputs=("next_h", "next_c"), batched=True, broadcast=("b",),
             error_hint=_batch_axis_dropped, stability=LSTM_STABILITY, mistake_ids=LSTM_IDS),
    Exercise("lstm", "lstm_forward", "lstm_backward", ("x", "h0", "Wx", "Wh", "b"), _sequence_inputs(4),
             outputs=("h",), batched=True, error_hint=SEQUENCE_ERRORS, stability=LSTM_STABILITY,
             mistake_ids=SEQUENCE_IDS),
]
