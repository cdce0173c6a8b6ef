"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train, num_classes = x.shape
    correct_score = x[np.arange(num_train), y]
    svm_score = x - correct_score.reshape(-1, 1) + 1
    loss = np.sum(np.maximum(svm_score, 0)) / num_train
    dfds = (svm_score > 0).astype(x.dtype)
    passed = np.sum(dfds, axis=1) - 1
    one_hot = np.eye(num_classes)[y]
    dfds += one_hot * -(passed.reshape(-1, 1) + 1)
    return loss, dfds / num_train
