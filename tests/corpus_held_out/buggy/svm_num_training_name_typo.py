"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_training = x.shape[0]
    delta = 1.0
    scores = x
    true_class_scores = scores[np.arange(num_traning), y]
    margin = np.maximum(0, scores - true_class_scores[:, np.newaxis] + delta)
    margin[np.arange(num_training), y] = 0
    loss = np.sum(margin)
    loss /= num_training
    X_mask = np.zeros(margin.shape)
    X_mask[margin > 0] = 1
    diff_count = np.sum(X_mask, axis=1)
    X_mask[np.arange(num_traning), y] = -diff_count
    dx = X_mask / num_training
    return loss, dx
