"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n = x.shape[0]
    correct = np.choose(y, x.T)
    margins = x - correct.reshape(n, 1)
    margins = margins + 1.
    margins[margins < 0] = 0
    margins[list(range(n)), y] = 0
    loss = np.sum(margins) / n
    grad = np.ones(x.shape) * (margins > 0)
    count = np.sum(grad, axis=1)
    grad[list(range(n)), y] = -count
    return loss, grad / n
