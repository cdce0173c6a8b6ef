"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    scores = x
    y_tiled = np.tile(y, (10, 1)).T
    ccs = np.where(range(10) == y_tiled, scores, 0)
    ccs = np.sum(ccs, axis=1)
    correct_class_scores = np.tile(ccs, (10, 1)).T
    delta = np.ones(scores.shape)
    margins = scores - correct_class_scores + delta

    L = np.where(range(10) == y_tiled, 0, margins)
    loss_matrix = np.maximum(L, np.zeros(L.shape))
    loss = np.sum(loss_matrix)
    loss /= x.shape[0]

    indicator = L > 0
    count_vector = np.sum(indicator, axis=1).reshape(-1, 1)
    count_matrix = np.where(range(10) == y_tiled, count_vector, 0)
    dx = indicator - count_matrix
    dx = dx / x.shape[0]

    return loss, dx
