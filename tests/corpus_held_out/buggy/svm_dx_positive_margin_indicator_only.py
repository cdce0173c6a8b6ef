"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    correct = x[range(num_train), y].reshape(num_train, -1)
    temp = np.maximum(0, x - correct + 1)
    temp[range(num_train), y] = 0
    loss = np.sum(temp) * 1.0 / num_train
    temp[temp > 0] = 1
    dx = temp / num_train
    return loss, dx
