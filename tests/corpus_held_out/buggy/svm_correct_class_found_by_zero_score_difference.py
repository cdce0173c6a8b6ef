"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n = x.shape[0]
    num_classes = x.shape[1]
    correct_class_scores = np.array([[x[i][y[i]]] * num_classes for i in range(n)])
    margin = x - correct_class_scores + ((x - correct_class_scores) != 0)
    loss = np.sum((margin > 0) * margin) / n
    count = (margin > 0).sum(1)
    dx = (margin > 0) / n
    dx -= ((x - correct_class_scores) == 0) * count[:, None] / n
    return loss, dx
