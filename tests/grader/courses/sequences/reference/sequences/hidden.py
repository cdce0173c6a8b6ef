import numpy as np

from grader.declare import Hidden, Mistake


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _lstm(c):
    H = c["prev_h"].shape[1]
    a = c["x"] @ c["Wx"] + c["prev_h"] @ c["Wh"] + c["b"]
    i, f, o, g = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), _sigmoid(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    return i, f, o, g, f * c["prev_c"] + i * g


def _forget_times_dnext_c(c):
    i, f, o, g, next_c = _lstm(c)
    return c.dout[1] * f


def _gates_swapped(c):
    """Output gate and candidate swapped: i, f, g, o."""
    H = c["prev_h"].shape[1]
    a = c["x"] @ c["Wx"] + c["prev_h"] @ c["Wh"] + c["b"]
    i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    return o * np.tanh(f * c["prev_c"] + i * g)


def _assigned(c):
    dW = np.zeros_like(c["W"])
    dW[c["x"]] = c.dout
    return dW


HIDDEN = {
    "lstm_step": Hidden(
        lambda rng: {"N": int(rng.integers(2, 5)), "D": int(rng.integers(2, 6)), "H": int(rng.integers(2, 5))},
        edges=({"N": 1, "D": 3, "H": 2},),
        mistakes=(
            Mistake("lstm_gates_order", "next_h", "Split a into the gates in the order i, f, o, g.", _gates_swapped),
            Mistake("lstm_cell_path_missing", "dprev_c", "next_c also reaches the loss through next_h = o * tanh(next_c): "
                    "add dnext_h * o * (1 - tanh(next_c)**2) to dnext_c before multiplying by f.", _forget_times_dnext_c),
        ),
        mistake_ids={"lstm_gates_order": "lstm_step_forward splits a into the gates in the wrong order",
                     "lstm_cell_path_missing": "lstm_step_backward's dprev_c lacks the path through next_h"}),
    "word_embedding": Hidden(
        lambda rng: {"N": int(rng.integers(2, 5)), "T": int(rng.integers(2, 6)), "V": 4, "D": int(rng.integers(2, 5))},
        mistakes=(Mistake("embedding_assigned_not_added", "dW", "A word used twice gets both gradients: "
                          "np.add.at(dW, x, dout), not dW[x] = dout (assignment keeps only the last).", _assigned),),
        mistake_ids={"embedding_assigned_not_added": "word_embedding_backward assigns dW[x] = dout: repeated words lose gradients"}),
}
