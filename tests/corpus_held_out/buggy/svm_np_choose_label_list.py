"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    y_pick = y.tolist()
    correct_class_score = np.choose(y_pick, x.T)
    correct_class_score = np.reshape(correct_class_score, (correct_class_score.shape[0], 1))
    margins = np.maximum(0, x - correct_class_score + 1)
    margins[np.arange(x.shape[0]), y] = 0
    sum_margin = np.sum(margins, axis=1)
    loss = np.sum(sum_margin, axis=0) / x.shape[0]
    gate = 1.0 * (margins > 0)
    sum_in_row = np.sum(gate, axis=1)
    gate[np.arange(x.shape[0]), y] = -1 * sum_in_row
    dx = gate / x.shape[0]
    return loss, dx
