"""The rnn_layers assignment's hidden half: hidden shapes and known mistakes. Never shipped to
students. The mistakes are what real students' rnn_layers.py files get wrong, computed here on the
case's own inputs.
"""
from __future__ import annotations

import itertools

import numpy as np

from grader.declare import Hidden, Mistake


def _size(rng: np.random.Generator, low: int, high: int) -> int:
    """An integer in [low, high]."""
    return int(rng.integers(low, high + 1))


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


# --- the steps, with the variations the mistakes need ------------------------------------------------


def _rnn_step(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh + b)


def _rnn_step_backward(dnext_h, x, prev_h, Wx, Wh, b, local=lambda next_h, a: 1 - next_h ** 2, wh_transposed=True):
    """(dx, dprev_h, dWx, dWh, db) with tanh's local gradient `local(next_h, a)` (and dprev_h through Wh.T,
    or Wh)."""
    a = x @ Wx + prev_h @ Wh + b
    da = dnext_h * local(np.tanh(a), a)
    return da @ Wx.T, da @ (Wh.T if wh_transposed else Wh), x.T @ da, prev_h.T @ da, da.sum(axis=0)


def _dprev_h_through_wh(c):
    """dprev_h = da @ Wh: Wh not transposed."""
    x, prev_h, Wx, Wh, b = _step_args(c, False)
    da = c.douts[0] * (1 - _rnn_step(x, prev_h, Wx, Wh, b) ** 2)
    return da @ Wh


def _lstm_gates(x, prev_h, Wx, Wh, b, order="ifog"):
    """The gates i, f, o, g, read from a in the given order."""
    hidden = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    blocks = {name: a[:, k * hidden:(k + 1) * hidden] for k, name in enumerate(order)}
    return _sigmoid(blocks["i"]), _sigmoid(blocks["f"]), _sigmoid(blocks["o"]), np.tanh(blocks["g"])


def _lstm_step_backward(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b, *, cell_path=True, dnext_c_used=True,
                        g_local=lambda g: 1 - g ** 2, times_f=True, through_o=True,
                        c_local=lambda tanh_c: 1 - tanh_c ** 2, o_times_tanh_c=True, partner_dropped=None,
                        preactivated_factors=False):
    """(dx, dprev_h, dprev_c, dWx, dWh, db), with the variations students make: `through_o` (the cell's
    path through next_h = o * tanh(next_c) keeps its factor o), `c_local` (tanh's local gradient at
    next_c, from tanh(next_c)), `o_times_tanh_c` (the output gate's gradient keeps tanh(next_c)),
    `partner_dropped` ("i", "f" or "g": that gate's gradient from next_c = f * prev_c + i * g lacks its
    partner's factor, g, prev_c or i), `preactivated_factors` (the gates' pre-activations a_i, a_f, a_o,
    a_g multiply where the gate values i, f, o, g belong; the gates' own local gradients stay right)."""
    i, f, o, g = _lstm_gates(x, prev_h, Wx, Wh, b)
    tanh_c = np.tanh(f * prev_c + i * g)
    factor_i, factor_f, factor_o, factor_g = i, f, o, g
    if preactivated_factors:
        hidden = prev_h.shape[1]
        a = x @ Wx + prev_h @ Wh + b
        factor_i, factor_f, factor_o, factor_g = (a[:, k * hidden:(k + 1) * hidden] for k in range(4))
    through_h = dnext_h * (factor_o if through_o else 1) * c_local(tanh_c)
    dc = (dnext_c if dnext_c_used else 0) + through_h
    partner = {"i": factor_g, "f": prev_c, "g": factor_i}
    g_i, prev_c_f, i_g = (1 if partner_dropped == gate else partner[gate] for gate in "ifg")
    da = np.concatenate([dc * g_i * i * (1 - i), dc * prev_c_f * f * (1 - f),
                         dnext_h * (tanh_c if o_times_tanh_c else 1) * o * (1 - o),
                         dc * i_g * g_local(g)], axis=1)
    dprev_c = (dc if cell_path else dnext_c) * (factor_f if times_f else 1)
    return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def _states(c, lstm: bool, order="ifog", tanh_out=True):
    """The hidden states (and cells) of the case's sequence, from h0 (and a zero cell); with a step's
    forward mistakes: the LSTM's gates read in another `order`, or the output's tanh left out."""
    x, h = c["x"], c["h0"]
    cell = np.zeros_like(h)
    hs, cs = [h], [cell]
    for t in range(x.shape[1]):
        if lstm:
            i, f, o, g = _lstm_gates(x[:, t], h, c["Wx"], c["Wh"], c["b"], order)
            cell = f * cell + i * g
            h = o * (np.tanh(cell) if tanh_out else cell)
        else:
            a = x[:, t] @ c["Wx"] + h @ c["Wh"] + c["b"]
            h = np.tanh(a) if tanh_out else a
        hs.append(h)
        cs.append(cell)
    return hs, cs


def _bptt(c, lstm: bool, carry_h=True, carry_c=True, add_dh=True, dh_into_cell=False, order=reversed, step=None,
          steps=None):
    """(dx, dh0, the upstream gradient fed to step 0) of backprop through time, with the variations
    students make: the gradient from step t + 1 carried (or forgotten), dh[:, t] added to it (or only the
    last step's, `add_dh=False`), dh[:, t] fed into the cell's gradient instead of the hidden state's
    (`dh_into_cell`), the steps walked in another order (`order=iter`: first to last), a step backward
    with one of the steps' mistakes (`step`, its variation), only the first `steps` steps walked (a loop
    over range(N), the batch size: the later steps get no gradient)."""
    step = step or {}
    hs, cs = _states(c, lstm)
    dh = c.douts[0]
    t_len = c["x"].shape[1]
    dx = np.empty_like(c["x"])
    dprev_h, dprev_c = np.zeros_like(hs[0]), np.zeros_like(hs[0])
    upstream = dprev_h
    for t in order(range(t_len)):
        own = dh[:, t] if add_dh or t == t_len - 1 else 0
        if steps is not None and t >= steps:
            own = 0 * dh[:, t]
        upstream = (0 if dh_into_cell else own) + (dprev_h if carry_h else 0)
        if lstm:
            cell = (dprev_c if carry_c else np.zeros_like(dprev_c)) + (own if dh_into_cell else 0)
            dx[:, t], dprev_h, dprev_c, *_ = _lstm_step_backward(
                upstream, cell, c["x"][:, t], hs[t], cs[t], c["Wx"], c["Wh"], c["b"], **step)
        else:
            dx[:, t], dprev_h, *_ = _rnn_step_backward(upstream, c["x"][:, t], hs[t], c["Wx"], c["Wh"], c["b"],
                                                       **step)
    return dx, dprev_h, upstream


def _bptt_dx(c, lstm: bool, **variation):
    """dx of backprop through time, with a variation (see _bptt)."""
    return _bptt(c, lstm, **variation)[0]


def _bptt_last_step_weights(c):
    """(dWx, dWh, db) of the last step walked back (t = 0) alone: each step's weight gradient assigned
    instead of added to the sum over steps."""
    hs, _ = _states(c, False)
    dprev_h = np.zeros_like(hs[0])
    for t in reversed(range(c["x"].shape[1])):
        _, dprev_h, *weights = _rnn_step_backward(c.douts[0][:, t] + dprev_h, c["x"][:, t], hs[t], c["Wx"], c["Wh"],
                                                  c["b"])
    return weights


def _step_args(c, cell: bool):
    names = ("x", "prev_h", "prev_c", "Wx", "Wh", "b") if cell else ("x", "prev_h", "Wx", "Wh", "b")
    return [c[name] for name in names]


def _step_config(rng: np.random.Generator) -> dict:
    return {"N": _size(rng, 2, 4), "D": _size(rng, 2, 5), "H": _size(rng, 2, 4)}


def _sequence_config(rng: np.random.Generator) -> dict:
    return {"N": _size(rng, 2, 3), "T": _size(rng, 2, 4), "D": _size(rng, 2, 4), "H": _size(rng, 2, 4)}


def _longer_than_one_step(c) -> bool:
    return c["x"].shape[1] > 1


def _bptt_mistakes(lstm: bool, prefix: str) -> tuple[Mistake, ...]:
    """The backprop-through-time mistakes the RNN and the LSTM share (ids prefixed for the LSTM)."""
    return (
        Mistake(f"{prefix}bptt_dh_only_last_step", "dx", "Every step's hidden state reaches the loss directly: feed "
                "each step dh[:, t] + dprev_h, with dh[:, t] added at every step, not only at the last one.",
                lambda c: _bptt_dx(c, lstm, add_dh=False), when=_longer_than_one_step),
        Mistake(f"{prefix}bptt_forward_order", "dx", "Walk the steps from the last to the first (for t in "
                "reversed(range(T))): step t needs the dprev_h that step t + 1 sends back, so step t + 1 goes first.",
                lambda c: _bptt_dx(c, lstm, order=iter), when=_longer_than_one_step),
        Mistake(f"{prefix}bptt_dh0_not_through_first_step", "dh0", "dh0 is the dprev_h that the first step's "
                "backward returns, not the upstream gradient you feed into it (dh[:, 0] + dprev_h): that one is the "
                "gradient at h[:, 0].", lambda c: _bptt(c, lstm)[2]),
        Mistake(f"{prefix}bptt_dh0_zero", "dh0", "h0 feeds the first step, so dh0 is the dprev_h that the first "
                "step's backward returns (after the loop over the steps), not zeros.",
                lambda c: np.zeros_like(c["h0"])),
    )


def _step_mistakes_through_time(lstm: bool, step: Hidden, variations) -> tuple[Mistake, ...]:
    """A step backward's mistakes as the sequence backward shows them (the sequence walks back through
    the step): same ids, and the step's hint after saying where it is. `variations` is (id, variation),
    in the order of the step's declared mistakes of that id."""
    layer = "lstm" if lstm else "rnn"
    hints: dict[str, list[str]] = {}
    for mistake in step.mistakes:
        hints.setdefault(mistake.id, []).append(mistake.hint)
    found = []
    for mistake_id, variation, carried_only in variations:
        hint = hints[mistake_id].pop(0)
        found.append(Mistake(mistake_id, "dx", f"The step backward that {layer}_backward walks back through has a "
                             f"mistake: {hint}", lambda c, v=variation: _bptt_dx(c, lstm, step=v),
                             when=_longer_than_one_step if carried_only else None))
    return tuple(found)


def _bptt_ids(layer: str, prefix: str) -> dict[str, str]:
    return {
        f"{prefix}bptt_dh_only_last_step": f"{layer}_backward adds dh[:, t] only at the last step: the other steps get "
                                           "only the gradient carried from step t + 1",
        f"{prefix}bptt_forward_order": f"{layer}_backward walks the steps from the first to the last",
        f"{prefix}bptt_dh0_not_through_first_step": f"{layer}_backward returns as dh0 the upstream gradient fed into "
                                                    "the first step, not the dprev_h it returns",
        f"{prefix}bptt_dh0_zero": f"{layer}_backward returns dh0 as zeros",
    }


# --- vanilla RNN -------------------------------------------------------------------------------------

RNN_STEP_IDS = {
    "rnn_tanh_derivative_of_activated": "rnn_step_backward applies tanh' to next_h, which is already tanh'd "
                                        "(1 - tanh(next_h)**2)",
    "rnn_tanh_derivative_of_preactivation": "rnn_step_backward uses 1 - a**2 with the pre-activation a instead of "
                                            "1 - next_h**2",
    "rnn_step_no_tanh": "rnn_step_forward leaves out the tanh",
    "rnn_dprev_h_wh_not_transposed": "rnn_step_backward's dprev_h is da @ Wh instead of da @ Wh.T (Wh is square, "
                                     "so the shape is right)",
}

RNN_STEP = Hidden(
    _step_config,
    work=({"N": 450, "D": 100, "H": 10},),
    edges=({"N": 1, "D": 3, "H": 2}, {"N": 3, "D": 1, "H": 1}),
    mistakes=(
        Mistake("rnn_step_no_tanh", "next_h", "next_h = tanh(x @ Wx + prev_h @ Wh + b): the tanh is missing.",
                lambda c: c["x"] @ c["Wx"] + c["prev_h"] @ c["Wh"] + c["b"]),
        Mistake("rnn_tanh_derivative_of_activated", "dx", "next_h is already tanh(a): tanh's local gradient is "
                "1 - next_h**2, not 1 - tanh(next_h)**2.",
                lambda c: _rnn_step_backward(c.douts[0], *_step_args(c, False),
                                             local=lambda h, a: 1 - np.tanh(h) ** 2)[0]),
        Mistake("rnn_tanh_derivative_of_preactivation", "dx", "tanh's local gradient is 1 - tanh(a)**2 = "
                "1 - next_h**2, not 1 - a**2.",
                lambda c: _rnn_step_backward(c.douts[0], *_step_args(c, False), local=lambda h, a: 1 - a ** 2)[0]),
        Mistake("rnn_dprev_h_wh_not_transposed", "dprev_h", "The forward computed prev_h @ Wh, so dprev_h = da @ Wh.T "
                "(da = dnext_h * (1 - next_h**2)): Wh is square, so da @ Wh has the right shape and the wrong values.",
                _dprev_h_through_wh),
    ),
    mistake_ids=RNN_STEP_IDS)

RNN_IDS = {
    "bptt_missing_next_dh": "rnn_backward gives each step only dh[:, t]: the gradient from step t + 1 (dprev_h) is "
                            "not added",
    "rnn_h0_ignored": "rnn_forward starts from zeros instead of h0",
    "rnn_state_not_carried": "rnn_forward starts every step from h0 instead of the previous step's hidden state",
    "rnn_weights_not_accumulated": "rnn_backward assigns each step's weight gradient (dWh = dWh_t) instead of adding "
                                   "up the steps' gradients",
    **_bptt_ids("rnn", ""),
    "bptt_loops_over_batch_size": "rnn_backward loops over range(N), the batch size, instead of the T time steps: "
                                  "the steps from N on get no gradient",
}

RNN = Hidden(
    _sequence_config,
    work=({"N": 175, "T": 4, "D": 50, "H": 10},),
    edges=({"N": 2, "T": 1, "D": 3, "H": 2}, {"N": 1, "T": 4, "D": 2, "H": 3}, {"N": 3, "T": 2, "D": 1, "H": 2}),
    mistakes=(
        Mistake("rnn_h0_ignored", "h", "The first step starts from h0, the initial hidden state given, not zeros.",
                lambda c: np.stack(_states({**{k: c[k] for k in ("x", "Wx", "Wh", "b")},
                                            "h0": np.zeros_like(c["h0"])}, False)[0][1:], axis=1)),
        Mistake("rnn_state_not_carried", "h", "Each step starts from the hidden state the step before produced: "
                "prev_h = h0 before the loop, then prev_h = next_h at every step (only the first step uses h0).",
                lambda c: np.stack([_rnn_step(c["x"][:, t], c["h0"], c["Wx"], c["Wh"], c["b"])
                                    for t in range(c["x"].shape[1])], axis=1), when=_longer_than_one_step),
        Mistake("bptt_missing_next_dh", "dx", "h[:, t] reaches the loss twice: through dh[:, t] and through the "
                "next step. Walk back from the last step and feed each step dh[:, t] + dprev_h, dprev_h being what "
                "step t + 1 returned.", lambda c: _bptt_dx(c, False, carry_h=False),
                when=lambda c: c["x"].shape[1] > 1),
        *(Mistake("rnn_weights_not_accumulated", name, f"Every step uses the same weights, so {name} is the sum of "
                  f"the steps' gradients: {name} += the step's, not {name} = (that keeps one step's only).",
                  lambda c, k=k: _bptt_last_step_weights(c)[k], when=lambda c: c["x"].shape[1] > 1)
          for k, name in enumerate(("dWx", "dWh", "db"))),
        *_bptt_mistakes(False, ""),
        Mistake("bptt_loops_over_batch_size", "dx", "rnn_backward walks back through only the first N steps (N = "
                "x.shape[0], the batch size): the later steps get no gradient. Loop over the T time steps, "
                "for t in reversed(range(T)) with T = x.shape[1].",
                lambda c: _bptt_dx(c, False, steps=c["x"].shape[0]), when=lambda c: c["x"].shape[0] < c["x"].shape[1]),
        Mistake("rnn_step_no_tanh", "h", "The step that rnn_forward runs has a mistake: next_h = tanh(x @ Wx + "
                "prev_h @ Wh + b): the tanh is missing.", lambda c: np.stack(_states(c, False, tanh_out=False)[0][1:], 1)),
        *_step_mistakes_through_time(False, RNN_STEP, (
            ("rnn_tanh_derivative_of_activated", {"local": lambda h, a: 1 - np.tanh(h) ** 2}, False),
            ("rnn_tanh_derivative_of_preactivation", {"local": lambda h, a: 1 - a ** 2}, False),
            ("rnn_dprev_h_wh_not_transposed", {"wh_transposed": False}, True))),
    ),
    mistake_ids=RNN_IDS)


# --- word embedding, temporal affine, temporal softmax loss --------------------------------------------


def _assigned(c):
    """dW[x] = dout: a word used twice keeps only one of its gradients."""
    dW = np.zeros_like(c["W"])
    dW[c["x"]] = c.dout
    return dW


def _added_per_row(c):
    """for i, row in enumerate(x): dW[row] += dout[i]: a fancy-indexed += adds a word repeated within one
    row once (numpy buffers it); repeats across rows still add up."""
    dW = np.zeros_like(c["W"])
    for i, row in enumerate(c["x"]):
        dW[row] += c.dout[i]
    return dW


EMBEDDING_IDS = {"embedding_assigned_not_added": "word_embedding_backward assigns dW[x] = dout: repeated words "
                                                 "lose gradients (np.add.at adds them)"}

WORD_EMBEDDING = Hidden(
    lambda rng: {"N": _size(rng, 2, 4), "T": _size(rng, 2, 5), "V": _size(rng, 3, 5), "D": _size(rng, 2, 4)},
    work=({"N": 100, "T": 20, "V": 500, "D": 100},),
    edges=({"N": 1, "T": 1, "V": 5, "D": 2}, {"N": 3, "T": 4, "V": 2, "D": 1}),
    mistakes=(Mistake("embedding_assigned_not_added", "dW", "A word used twice gets both gradients: "
                      "np.add.at(dW, x, dout), not dW[x] = dout (assignment keeps only the last).", _assigned),
              Mistake("embedding_assigned_not_added", "dW", "A word used twice in a sequence gets both gradients: "
                      "dW[x[i]] += dout[i] adds a repeated index only once (numpy buffers fancy-indexed +=); "
                      "np.add.at(dW, x, dout) adds every occurrence.", _added_per_row)),
    mistake_ids=EMBEDDING_IDS)

TEMPORAL_AFFINE = Hidden(
    lambda rng: {"N": _size(rng, 2, 4), "T": _size(rng, 2, 4), "D": _size(rng, 2, 5), "M": _size(rng, 2, 5)},
    work=({"N": 225, "T": 20, "D": 10, "M": 10},),
    edges=({"N": 1, "T": 1, "D": 3, "M": 2}, {"N": 2, "T": 3, "D": 1, "M": 1}))


def _log_probs(x):
    shifted = x - x.max(axis=2, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))


def _picked(c):
    return np.take_along_axis(_log_probs(c["x"]), c["y"][:, :, None], axis=2)[:, :, 0]


def _softmax_dx(c, mask):
    dx = np.exp(_log_probs(c["x"]))
    n, t, v = dx.shape
    dx -= np.eye(v)[c["y"]]
    return dx * mask[:, :, None] / n


def _masked_somewhere(c) -> bool:
    return not c["mask"].all()


TEMPORAL_SOFTMAX_IDS = {
    "temporal_softmax_mask_ignored": "temporal_softmax_loss counts the masked-out steps too",
    "temporal_softmax_mean_over_steps": "temporal_softmax_loss divides by the number of kept steps instead of N",
    "temporal_softmax_divided_by_nt": "temporal_softmax_loss divides by N * T (every step) instead of N",
}


def _kept_steps_differ_from_n(c) -> bool:
    return int(c["mask"].sum()) != c["x"].shape[0]


def _several_steps(c) -> bool:
    return c["x"].shape[1] > 1

TEMPORAL_SOFTMAX = Hidden(
    lambda rng: {"N": _size(rng, 2, 4), "T": _size(rng, 2, 5), "V": _size(rng, 3, 6)},
    work=({"N": 100, "T": 20, "V": 10},),
    edges=({"N": 1, "T": 3, "V": 4}, {"N": 3, "T": 1, "V": 5}, {"N": 2, "T": 4, "V": 3, "keep": 0.3}),
    mistakes=(
        Mistake("temporal_softmax_mask_ignored", "loss", "Multiply each step's loss by mask[n, t]: masked steps "
                "(padding after the caption's end) don't count.", lambda c: np.asarray(-_picked(c).sum() / c["x"].shape[0]),
                when=_masked_somewhere),
        Mistake("temporal_softmax_mean_over_steps", "loss", "Sum the masked losses over every step and divide by N "
                "(the number of sequences), not by the number of kept steps.",
                lambda c: np.asarray(-(_picked(c) * c["mask"]).sum() / c["mask"].sum())),
        Mistake("temporal_softmax_mask_ignored", "dx", "Masked steps get no gradient: multiply dx by "
                "mask[:, :, None].", lambda c: _softmax_dx(c, np.ones_like(c["mask"])), when=_masked_somewhere),
        Mistake("temporal_softmax_mean_over_steps", "dx", "Divide dx by N (the number of sequences), as the loss is, "
                "not by the number of kept steps.",
                lambda c: _softmax_dx(c, c["mask"]) * c["x"].shape[0] / c["mask"].sum(), when=_kept_steps_differ_from_n),
        Mistake("temporal_softmax_divided_by_nt", "loss", "The loss sums over the time steps and averages over the "
                "N sequences only: divide by N, not N * T.",
                lambda c: np.asarray(-(_picked(c) * c["mask"]).sum() / c["mask"].size), when=_several_steps),
        Mistake("temporal_softmax_divided_by_nt", "dx", "The loss sums over the time steps and averages over the "
                "N sequences only: divide dx by N, not N * T.",
                lambda c: _softmax_dx(c, c["mask"]) / c["x"].shape[1], when=_several_steps),
    ),
    mistake_ids=TEMPORAL_SOFTMAX_IDS)


# --- LSTM ----------------------------------------------------------------------------------------------


def _lstm_next_h(c, order="ifog", tanh_cell=True):
    i, f, o, g = _lstm_gates(c["x"], c["prev_h"], c["Wx"], c["Wh"], c["b"], order)
    next_c = f * c["prev_c"] + i * g
    return o * (np.tanh(next_c) if tanh_cell else next_c)


_OTHER_GATE_ORDERS = ["".join(order) for order in itertools.permutations("ifog") if "".join(order) != "ifog"]


def _lstm_step_variant(index, **variation):
    return lambda c: _lstm_step_backward(*c.douts, *_step_args(c, True), **variation)[index]


LSTM_STEP_IDS = {
    "lstm_gates_order": "lstm_step_forward splits a into the gates in the wrong order (not i, f, o, g)",
    "lstm_next_h_without_tanh": "lstm_step_forward computes next_h = o * next_c, without tanh",
    "lstm_cell_path_missing": "lstm_step_backward's dprev_c lacks the path through next_h = o * tanh(next_c)",
    "lstm_dnext_c_ignored": "lstm_step_backward leaves out the upstream dnext_c",
    "lstm_tanh_of_activated": "lstm_step_backward applies tanh' to the candidate g, which is already tanh'd",
    "lstm_dprev_c_missing_f": "lstm_step_backward's dprev_c is the cell's gradient dc without the forget gate's factor f",
    "lstm_cell_path_missing_o": "lstm_step_backward's path from next_h to next_c lacks the output gate's factor o",
    "lstm_tanh_c_of_activated": "lstm_step_backward applies tanh' to tanh(next_c), which is already tanh'd",
    "lstm_output_gate_missing_tanh_c": "lstm_step_backward's output gate gradient lacks the factor tanh(next_c)",
    "lstm_gate_partner_missing": "lstm_step_backward's gradient of i, f or g from next_c = f * prev_c + i * g lacks "
                                 "its partner's factor (g, prev_c or i)",
    "lstm_backward_uses_gate_preactivations": "lstm_step_backward multiplies by the gates' pre-activations (slices "
                                              "of a) where the gate values i, f, o, g belong",
}

LSTM_STEP = Hidden(
    _step_config,
    work=({"N": 200, "D": 100, "H": 10},),
    edges=({"N": 1, "D": 3, "H": 2}, {"N": 2, "D": 1, "H": 1}),
    mistakes=(
        # Every other order of the four blocks: other courses' code (f, g, i, o; i, f, g, o) is ported too.
        *(Mistake("lstm_gates_order", "next_h", "a = x @ Wx + prev_h @ Wh + b splits into input, forget and output "
                  "gates and the candidate, in that order: a[:, :H], a[:, H:2H], a[:, 2H:3H], a[:, 3H:].",
                  lambda c, order=order: _lstm_next_h(c, order=order)) for order in _OTHER_GATE_ORDERS),
        Mistake("lstm_next_h_without_tanh", "next_h", "next_h = o * tanh(next_c): the tanh is missing.",
                lambda c: _lstm_next_h(c, tanh_cell=False)),
        Mistake("lstm_tanh_of_activated", "dx", "g = tanh(a_g) already: its local gradient is 1 - g**2, not "
                "1 - tanh(g)**2.", _lstm_step_variant(0, g_local=lambda g: 1 - np.tanh(g) ** 2)),
        Mistake("lstm_cell_path_missing", "dprev_c", "next_c also reaches the loss through next_h = o * "
                "tanh(next_c): add dnext_h * o * (1 - tanh(next_c)**2) to dnext_c before multiplying by f.",
                _lstm_step_variant(2, cell_path=False)),
        Mistake("lstm_dprev_c_missing_f", "dprev_c", "next_c = f * prev_c + i * g, so the cell's gradient reaches "
                "prev_c multiplied by the forget gate: dprev_c = dc * f.", _lstm_step_variant(2, times_f=False)),
        Mistake("lstm_dnext_c_ignored", "dprev_c", "The cell's gradient starts from the upstream dnext_c: "
                "dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2).", _lstm_step_variant(2, dnext_c_used=False)),
        Mistake("lstm_cell_path_missing_o", "dx", "next_h = o * tanh(next_c), so the gradient reaching next_c through "
                "next_h is dnext_h * o * (1 - tanh(next_c)**2): the factor o is missing.",
                _lstm_step_variant(0, through_o=False)),
        Mistake("lstm_tanh_c_of_activated", "dx", "tanh(next_c) is already tanh'd: the local gradient of next_h's "
                "tanh is 1 - tanh(next_c)**2, not 1 - tanh(tanh(next_c))**2.",
                _lstm_step_variant(0, c_local=lambda tanh_c: 1 - np.tanh(tanh_c) ** 2)),
        Mistake("lstm_output_gate_missing_tanh_c", "dx", "next_h = o * tanh(next_c), so the output gate's gradient is "
                "dnext_h * tanh(next_c) (then times o * (1 - o)): the factor tanh(next_c) is missing.",
                _lstm_step_variant(0, o_times_tanh_c=False)),
        *(Mistake("lstm_gate_partner_missing", "dx", f"next_c = f * prev_c + i * g, so d{gate} = dc * {partner} "
                  f"(then times {gate}'s local gradient): the factor {partner} is missing.",
                  _lstm_step_variant(0, partner_dropped=gate))
          for gate, partner in (("i", "g"), ("f", "prev_c"), ("g", "i"))),
        Mistake("lstm_backward_uses_gate_preactivations", "dx", "Your backward multiplies by the gates' "
                "pre-activations (the slices of a) where the gate values belong: next_c = f * prev_c + i * g and "
                "next_h = o * tanh(next_c) use i, f, o, g after their sigmoid / tanh, so keep those in the cache "
                "(dprev_c = dc * f, di = dc * g, dg = dc * i, and o in dc's path through next_h).",
                _lstm_step_variant(0, preactivated_factors=True)),
    ),
    mistake_ids=LSTM_STEP_IDS)

LSTM_IDS = {
    "lstm_bptt_missing_next_dh": "lstm_backward gives each step only dh[:, t]: the gradient from step t + 1 is "
                                 "not added",
    "lstm_bptt_cell_not_carried": "lstm_backward does not carry the cell's gradient dprev_c from step t + 1 to step t",
    "lstm_bptt_dh_into_cell": "lstm_backward adds dh[:, t] to the cell's gradient (dnext_c) instead of the hidden "
                              "state's (dnext_h)",
    **_bptt_ids("lstm", "lstm_"),
}

LSTM = Hidden(
    _sequence_config,
    work=({"N": 100, "T": 4, "D": 50, "H": 10},),
    edges=({"N": 2, "T": 1, "D": 3, "H": 2}, {"N": 1, "T": 3, "D": 2, "H": 1}),
    mistakes=(
        Mistake("lstm_bptt_missing_next_dh", "dx", "h[:, t] reaches the loss through dh[:, t] and through the next "
                "step: feed each step dh[:, t] + dprev_h.", lambda c: _bptt_dx(c, True, carry_h=False),
                when=lambda c: c["x"].shape[1] > 1),
        # A step whose dprev_c lacks the path through next_h gives the very same numbers (dprev_c = 0 * f).
        Mistake("lstm_bptt_cell_not_carried", "dx", "The cell's gradient never reaches the earlier steps. Pass the "
                "dprev_c that step t + 1 returned as step t's dnext_c (zeros only for the last step); and in "
                "lstm_step_backward, dprev_c = (dnext_c + dnext_h * o * (1 - tanh(next_c)**2)) * f, not dnext_c * f.",
                lambda c: _bptt_dx(c, True, carry_c=False), when=lambda c: c["x"].shape[1] > 1),
        Mistake("lstm_bptt_dh_into_cell", "dx", "dh[:, t] is the loss's gradient at the hidden state h[:, t], not at "
                "the cell: feed each step dnext_h = dh[:, t] + dprev_h and dnext_c = dprev_c (the cell is never "
                "output).", lambda c: _bptt_dx(c, True, dh_into_cell=True)),
        *_bptt_mistakes(True, "lstm_"),
        *(Mistake("lstm_gates_order", "h", "The step that lstm_forward runs has a mistake: a = x @ Wx + prev_h @ Wh + "
                  "b splits into input, forget and output gates and the candidate, in that order: a[:, :H], "
                  "a[:, H:2H], a[:, 2H:3H], a[:, 3H:].",
                  lambda c, order=order: np.stack(_states(c, True, order=order)[0][1:], 1))
          for order in _OTHER_GATE_ORDERS),
        Mistake("lstm_next_h_without_tanh", "h", "The step that lstm_forward runs has a mistake: next_h = o * "
                "tanh(next_c): the tanh is missing.", lambda c: np.stack(_states(c, True, tanh_out=False)[0][1:], 1)),
        *_step_mistakes_through_time(True, LSTM_STEP, (
            ("lstm_tanh_of_activated", {"g_local": lambda g: 1 - np.tanh(g) ** 2}, False),
            ("lstm_dprev_c_missing_f", {"times_f": False}, True),
            ("lstm_cell_path_missing_o", {"through_o": False}, False),
            ("lstm_tanh_c_of_activated", {"c_local": lambda tanh_c: 1 - np.tanh(tanh_c) ** 2}, False),
            ("lstm_output_gate_missing_tanh_c", {"o_times_tanh_c": False}, False),
            *(("lstm_gate_partner_missing", {"partner_dropped": gate}, False) for gate in "ifg"),
            ("lstm_backward_uses_gate_preactivations", {"preactivated_factors": True}, False))),
    ),
    mistake_ids=LSTM_IDS)


HIDDEN = {"rnn_step": RNN_STEP, "rnn": RNN, "word_embedding": WORD_EMBEDDING, "temporal_affine": TEMPORAL_AFFINE,
          "temporal_softmax": TEMPORAL_SOFTMAX, "lstm_step": LSTM_STEP, "lstm": LSTM}
