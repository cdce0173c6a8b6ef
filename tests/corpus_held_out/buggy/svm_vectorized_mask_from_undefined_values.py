"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n = x.shape[0]
    num_classes = x.shape[1]
    correct_class_scores = x[range(n), y].reshape(-1, 1)
    margins = x - correct_class_scores + 1
    loss = np.sum(margins.clip(0))
    loss -= n
    loss /= n
    mask = (values > 0) * 1
    dx = np.zeros_like(x)
    for i in range(n):
        dx_i = np.ones(num_classes) * mask[i]
        dx_i[y[i]] = -np.sum(dx_i)
        dx_i[y[i]] += 1
        dx[i] = dx_i
    dx /= n
    return loss, dx
