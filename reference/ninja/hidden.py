"""The hidden half of the ninja graph: other sizes (a node function that reads a global, the
notebook's n or Yb, instead of its arguments is caught), and known wrong answers at given nodes."""
import numpy as np

from grader.declare import GraphHidden, NodeMistake


def _labels(v) -> np.ndarray:
    """1 at each example's label, 0 elsewhere, of logprobs' shape."""
    onehot = np.zeros_like(v["logprobs"])
    onehot[np.arange(len(v["Yb"])), v["Yb"]] = 1.0
    return onehot


HIDDEN = {"ninja": GraphHidden(
    sizes={"n": 24, "n_hidden": 40, "n_embd": 8},
    mistakes=(
        NodeMistake("logprobs", "ninja_loss_not_averaged",
                    "dlogprobs is n times too large: the loss is the mean over the batch",
                    lambda v: -_labels(v),
                    "The loss averages -logprobs at the labels over the n examples: each gets -1/n."),
        NodeMistake("hpreact", "ninja_tanh_of_preactivation",
                    "dhpreact uses 1 - hpreact**2: tanh's derivative is taken at its input instead of its output",
                    lambda v: (1.0 - v["hpreact"] ** 2) * v["dh"],
                    "d tanh(x)/dx = 1 - tanh(x)**2, and tanh(hpreact) is h: use 1 - h**2."),
    ),
    mistake_ids={
        "ninja_loss_not_averaged": "ninja: dlogprobs is -1 at the labels instead of -1/n (the batch mean forgotten)",
        "ninja_tanh_of_preactivation": "ninja: dhpreact uses 1 - hpreact**2 instead of 1 - h**2",
    },
)}
