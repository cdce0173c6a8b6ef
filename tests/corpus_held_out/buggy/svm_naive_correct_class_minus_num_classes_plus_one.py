"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_points = x.shape[0]
    num_classes = x.shape[1]
    gradient = np.zeros(x.shape)
    loss = 0.0
    for i in range(num_points):
        correct_class_score = x[i, y[i]]
        for j in range(num_classes):
            if j == y[i]:
                gradient[i, j] = -1 * num_classes + 1
                continue
            margin = x[i][j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                gradient[i, j] = 1
            else:
                gradient[i, j] = 0
    loss /= num_points
    gradient /= num_points
    return loss, gradient
