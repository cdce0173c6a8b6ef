"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    margin = x - x[np.array(xrange(num_train)), y].reshape((x.shape[0], -1)) + 1
    margin[np.array(xrange(margin.shape[0])), y] *= 0
    loss = np.sum(margin[margin > 0])
    indicator = (margin > 0).astype(np.int64)
    indicator[np.array(xrange(indicator.shape[0])), y] = -np.sum(indicator, axis=-1)
    dx = indicator / num_train
    loss /= num_train
    return loss, dx
