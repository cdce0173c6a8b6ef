"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    score = x
    score_correct = score[np.arange(num_train), y]
    margin = score - score_correct.T + 1
    margin[np.arange(num_train), y] = 0.0
    margin[margin <= 0] = 0.0
    loss = np.sum(margin) / num_train
    margin[margin > 0] = 1
    margin[np.arange(num_train), y] = np.sum(margin, axis=1) * -1
    dx = margin / num_train
    return loss, dx
