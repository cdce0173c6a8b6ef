"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    scores = x.copy()
    correct_class_score = scores[range(num_train), y].reshape(num_train, -1)
    scores += 1 - correct_class_score
    scores[range(num_train), y] = 0
    loss = np.sum(np.fmax(scores, 0)) / num_train

    grad = np.zeros(scores.shape)
    grad[scores > 0] = 1
    grad[range(num_train), y] = -np.sum(mask, axis=1)
    dx = grad / num_train

    return loss, dx
