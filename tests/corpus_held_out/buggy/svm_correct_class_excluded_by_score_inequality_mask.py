"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n = x.shape[0]
    rows = np.arange(n)
    correct_scores = x[rows, y].reshape(-1, 1).dot(np.ones((1, x.shape[1])))
    mask1 = x != correct_scores
    margin = np.fmax(np.zeros(x.shape), x - correct_scores + 1)
    mask2 = margin > 0
    mask = mask1 * mask2
    loss = np.sum(margin[mask]) / n
    new_mask = np.zeros(mask.shape)
    new_mask[rows, y] = np.sum(mask, axis=1)
    dx = (mask - new_mask) / n
    return loss, dx
