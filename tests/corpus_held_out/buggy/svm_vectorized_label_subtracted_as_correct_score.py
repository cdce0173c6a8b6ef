"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    scores = x.copy()
    scores += 1
    scores = np.transpose(np.transpose(scores) - y)
    scores[scores < 0] = 0
    scores[np.arange(0, num_train), y] = 0
    loss = np.sum(scores) / num_train
    scores = x.copy()
    scores += 1
    scores = np.transpose(np.transpose(scores) - y)
    scores[scores < 0] = 0
    scores[scores > 0] = 1
    scores[np.arange(0, num_train), y] = 0
    scores[np.arange(0, num_train), y] = -1 * np.sum(scores, axis=1)
    dx = scores / num_train
    return loss, dx
