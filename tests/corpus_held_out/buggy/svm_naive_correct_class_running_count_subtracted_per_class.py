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
    for i in range(n):
        count = 0
        for j in range(c):
            if j == y[i]:
                continue
            margin = x[i, j] - x[i, y[i]] + 1.0
            if margin > 0:
                count += 1
                loss += margin
                dx[i, j] += 1.0
            dx[i, y[i]] += -count
    loss /= n
    dx /= n
    return loss, dx
