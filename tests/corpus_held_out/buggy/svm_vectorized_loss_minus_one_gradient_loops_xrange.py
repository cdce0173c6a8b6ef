"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    N = x.shape[0]
    correct_scores = x[np.arange(len(y)), y]
    loss = np.sum(np.maximum(0, x - correct_scores[:, np.newaxis] + 1))
    loss /= N
    loss -= 1
    dx = np.zeros(x.shape)
    for i in xrange(N):
        scores = x[i]
        correct_class_score = scores[y[i]]
        for j in xrange(x.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                dx[i, j] += 1
                dx[i, y[i]] += -1
    dx /= N
    return loss, dx
