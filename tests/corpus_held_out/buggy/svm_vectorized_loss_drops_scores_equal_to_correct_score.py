"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    delta = 1
    correct_class_scores = x[np.arange(x.shape[0]), y]
    margin = x - correct_class_scores.reshape([-1, 1])
    margin = margin[margin != 0]
    margin += delta
    loss = np.sum(margin[margin > 0])
    loss /= num_train
    margins = np.maximum(0.0, x - correct_class_scores.reshape([-1, 1]) + delta)
    margins[np.arange(num_train), y] = 0.0
    positive = (margins > 0).astype(x.dtype)
    positive[np.arange(num_train), y] = -positive.sum(axis=1)
    return loss, positive / num_train
