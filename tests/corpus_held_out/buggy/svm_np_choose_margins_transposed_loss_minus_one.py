"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n = x.shape[0]
    correct_class_scores = np.choose(y, x.transpose())
    margin = x.transpose() - correct_class_scores + 1
    loss = (np.sum(np.maximum(0, margin))) / n - 1
    count = (margin.T > 0).astype(float)
    times = np.sum(count, axis=1) - 1
    count[range(count.shape[0]), y] = -times
    dx = (1.0 / n) * count
    return loss, dx
