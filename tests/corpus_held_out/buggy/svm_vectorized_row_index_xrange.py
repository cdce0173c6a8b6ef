"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    f = x.copy()
    f -= f[xrange(y.shape[0]), y].reshape(-1, 1)
    f += 1
    f = np.maximum(0, f)
    f[xrange(y.shape[0]), y] = 0
    loss = f.sum() / y.shape[0]

    f[f > 0] = 1
    f[xrange(y.shape[0]), y] = -f.sum(axis=1)
    dx = f / y.shape[0]
    return loss, dx
