"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    scores_true = np.choose(y, x.T).reshape(-1, 1)
    margin = x - scores_true + 1
    margin[np.arange(num_train), y] = 0
    loss = np.sum(margin[margin > 0]) / num_train
    false_class = (margin > 0).astype(int)
    false_class[np.arange(num_train), y] = -1 * np.sum(false_class, axis=1)
    dx = false_class / num_train
    return loss, dx
