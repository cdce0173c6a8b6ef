"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    N = x.shape[0]
    correct_class_index = [range(N), y]
    correct_class_scores = x[correct_class_index].reshape(-1, 1)
    scores_diff = x - correct_class_scores + 1
    scores_diff[correct_class_index] = 0
    scores_diff[scores_diff < 0] = 0
    loss = np.sum(scores_diff) / N
    scores_diff[scores_diff > 0] = 1
    scores_diff[correct_class_index] = scores_diff.sum(axis=1) * (-1)
    dx = scores_diff / N
    return loss, dx
