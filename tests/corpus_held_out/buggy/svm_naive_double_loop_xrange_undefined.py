"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n, c = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for i in xrange(n):
        correct = x[i, y[i]]
        for j in xrange(c):
            if j == y[i]:
                continue
            margin = x[i, j] - correct + 1.0
            if margin > 0:
                loss += margin
                dx[i, j] += 1.0
                dx[i, y[i]] -= 1.0
    return loss / n, dx / n
