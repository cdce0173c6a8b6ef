"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_classes = x.shape[1]
    num_train = x.shape[0]
    y_multi = num_classes * np.arange(num_train) + y
    XW_1 = x - x.flat[y_multi].reshape((num_train, 1)) + 1
    np.putmask(XW_1, XW_1 == 1, 0)
    XW_2 = np.where(XW_1 > 0, XW_1, 0)
    loss = np.sum(XW_2) / num_train
    XW_3 = np.where(XW_2 > 0, 1, 0)
    XW_3.flat[y_multi] = -np.sum(XW_3, axis=1)
    dx = XW_3 / num_train
    return loss, dx
