"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    scores = x
    correct_class_scores = np.choose(y, scores.T).reshape(-1, 1)
    hinge_difference = np.maximum(scores - correct_class_scores + 1.0, 0.0)
    hinge_difference[np.arange(num_train), y] = 0.0
    loss = np.sum(hinge_difference) / float(num_train)
    grad_mask = (hinge_difference > 0).astype(int)
    grad_mask[np.arange(y.shape[0]), y] = -np.sum(grad_mask, axis=1)
    dx = grad_mask / float(num_train)
    return loss, dx
