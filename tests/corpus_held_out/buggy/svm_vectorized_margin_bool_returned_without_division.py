"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    num_category = x.shape[1]
    scores = x
    scores_right = scores[np.arange(num_train), y]

    margins = scores.T - scores_right
    margins = margins.T
    margins += 1

    margins = np.maximum(margins, 0)
    margins[np.arange(num_train), y] = 0

    loss = np.sum(margins) / num_train

    margin_bool = np.zeros(margins.shape)
    margin_bool[margins > 0] = 1
    margin_bool[np.arange(num_train), y] = 0
    margin_bool[np.arange(num_train), y] = -1 * np.sum(margin_bool, axis=1)

    dx = margin_bool

    num_train = x.shape[1]

    return loss, dx
