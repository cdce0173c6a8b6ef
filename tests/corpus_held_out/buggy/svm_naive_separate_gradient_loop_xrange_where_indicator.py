"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n, c = x.shape
    loss = 0.0
    for i in range(n):
        correct_class_score = x[i, y[i]]
        for j in range(c):
            if j == y[i]:
                continue
            margin = x[i, j] - correct_class_score + 1
            if margin > 0:
                loss += margin
    loss /= n
    dx = np.zeros(x.shape)
    for i in xrange(n):
        correct_class_score = x[i, y[i]]
        scores_diff = x[i] - correct_class_score + 1
        diff = np.where(scores_diff > 0, 1, 0)
        diff[y[i]] = (np.sum(diff) - 1) * (-1)
        dx[i] += diff
    dx /= n
    return loss, dx
