"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n = x.shape[0]
    correct = np.choose(y, x.T)
    keep = np.ones(x.shape, dtype=bool)
    keep[range(n), y] = False
    others = x[keep].reshape(n, x.shape[1] - 1)
    margins = others - correct[..., np.newaxis] + 1
    margins[margins < 0] = 0
    loss = np.sum(margins) / n
    positive = (x - correct[..., np.newaxis] + 1 > 0).astype(float)
    count = positive.sum(1) - 1
    positive[range(n), y] = -count
    return loss, positive / n
