"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]

    correct_class_scores = x[np.arange(num_train), y].reshape((-1, 1))
    margins = np.maximum(0, x - correct_class_scores + 1)
    loss = margin.sum() - 1 * num_train
    loss /= num_train

    error = np.zeros(margin.shape)
    error[margin > 0] = 1
    error[np.arange(num_train), y] -= error.sum(axis=1)
    dx = error / num_train

    return loss, dx
