"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    loss, dx = None, None
    batch_size = x.shape[0]
    scores = x - x[range(batch_size), list(y)].reshape(-1, 1) + 1
    scores[scores < 0] = 0
    scores[range(batch_size), list(y)] = 0
    dx = np.ones_like(x)
    dx[scores < 0] = 0
    dx[range(batch_size), list(y)] = -np.sum(scores > 0, axis=1)
    dx /= batch_size
    loss = np.mean(np.sum(scores, axis=1), axis=0)
    return loss, dx
