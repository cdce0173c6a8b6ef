"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train, num_classes = x.shape
    scores = x - np.repeat(x[xrange(num_train), y], num_classes).reshape(num_train, num_classes)
    scores += 1
    margin = (scores > 0) * scores
    loss = np.sum(margin) / num_train - 1
    D1 = (scores > 0).astype(x.dtype)
    ind = np.sum(D1, axis=1)
    onehot = y[:, None] == np.arange(num_classes)[None, :]
    dx = D1 - onehot * ind[:, None]
    dx /= num_train
    return loss, dx
