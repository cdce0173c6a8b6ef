"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n, num_classes = x.shape
    y_mat = np.zeros_like(x)
    for y_i in y:
        y_mat[y_i, range(num_classes)] = 1
    correct_score = np.multiply(y_mat, x)
    sums = np.sum(correct_score, axis=0)
    margins = x - sums + 1
    result = np.maximum(0, margins)
    result = np.sum(result, axis=1) - 1
    loss = np.sum(result) / float(n)
    margins[margins > 0] = 1
    margins[margins < 0] = 0
    for y_i in y:
        margins[y_i, range(num_classes)] = 0
    col_sums = np.sum(margins, axis=0)
    for y_i in y:
        margins[y_i, range(num_classes)] = -1.0 * col_sums
    dx = margins / float(num_classes)
    return loss, dx
