"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    loss, dx = None, None
    loss = np.sum(np.maximum(0, x - x[np.arange(x.shape[0]), y].reshape(-1, 1) + 1))
    loss /= x.shape[0]
    dx = np.zeros_like(x, dtype=float)
    dx[x - x[np.arange(x.shape[0]), y].reshape(-1, 1) + 1 > 0] = 1
    dx[np.arange(x.shape[0]), y] -= np.sum(dx, axis=1)
    dx /= x.shape[0]
    return loss, dx
