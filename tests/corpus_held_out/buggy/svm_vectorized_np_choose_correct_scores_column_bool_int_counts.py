"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    correct_class_score = np.choose(y, x.T).reshape(-1, 1)
    margins = np.maximum(0, x - correct_class_score + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train
    margins = margins.astype(bool).astype(int)
    margins[np.arange(num_train), y] = -np.sum(margins, axis=1)
    dx = margins / num_train
    return loss, dx
