"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    correct_scores = x[np.arange(num_train), y]
    correct_scores = np.reshape(correct_scores, (num_train, 1))
    margins = x - correct_scores + 1
    mask = margins > 0
    margins = margins * mask
    loss = np.sum(margins) - num_train
    loss /= num_train
    margins[margins > 0] = 1
    row_sum = np.sum(margins, axis=1)
    margins[np.arange(num_train), y] = -row_sum
    return loss, margins / num_train
