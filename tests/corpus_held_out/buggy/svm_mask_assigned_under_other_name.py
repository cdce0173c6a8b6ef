"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    delta = 1.0
    correct_class_score = x[np.arange(num_train), y]
    margins = np.maximum(0, x - correct_class_score[:, np.newaxis] + delta)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins)
    loss /= num_train

    X_index_mask = np.zeros(margins.shape)
    X_mask[margins > 0] = 1
    incorrect_counts = np.sum(X_mask, axis=1)
    X_mask[np.arange(num_train), y] = -incorrect_counts
    dx = X_mask / num_train
    return loss, dx
