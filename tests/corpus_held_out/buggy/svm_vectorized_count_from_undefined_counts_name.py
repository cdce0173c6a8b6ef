"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    delta = 1
    num_train = x.shape[0]
    margin_for_all = np.maximum(0, x - x[range(num_train), [y]].T + delta)
    margin_for_all[range(num_train), y] = 0
    loss_for_all = np.sum(margin_for_all, axis=1)
    loss = loss_for_all.sum() / num_train
    dS = (margin_for_all > 0).astype(int)
    dS[range(num_train), y] = -np.sum(counts, axis=1)
    dx = dS / num_train
    return loss, dx
