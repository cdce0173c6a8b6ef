"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    loss = np.float128(0.0)
    dx = np.zeros(x.shape)
    for i in range(x.shape[0]):
        scores = x[i]
        margins = np.maximum(0, scores - scores[y[i]] + 1)
        margins[y[i]] = 0
        loss += np.sum(margins)
        for j in range(x.shape[1]):
            if (j == y[i]):
                continue
            if (margins[j] > 0):
                dx[i, y[i]] -= 1
                dx[i, j] += 1

    loss /= x.shape[0]
    dx /= x.shape[0]

    return loss, dx
