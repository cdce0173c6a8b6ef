"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_classes = x.shape[1]
    num_train = x.shape[0]
    correct_scores = np.choose(y, x.T)
    margin = x - np.tile(correct_scores[:, np.newaxis], (1, num_classes)) + 1
    margin = np.maximum(0, margin)
    loss = 1 / num_train * np.sum(margin) - 1
    margin[margin > 0] = 1
    margin[np.arange(num_train), y] = 0
    summation_time = margin.copy()
    summation_time[np.arange(num_train), y] = -np.sum(margin, axis=1)
    dx = summation_time / num_train
    return loss, dx
