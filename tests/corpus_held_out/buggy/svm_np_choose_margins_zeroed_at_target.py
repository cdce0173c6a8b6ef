"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    delta = 1
    num_train = x.shape[0]
    train_indices = np.arange(num_train)
    correct_scores = np.choose(y, x.T)
    margins = x - correct_scores[:, np.newaxis] + delta  # (N, C)
    margins[train_indices, y] = 0  # the target class has no margin
    has_insufficient_score = margins > 0  # (N, C)
    loss = np.sum(margins[has_insufficient_score])
    loss = loss / num_train
    num_classes_insufficient_score = np.sum(has_insufficient_score, axis=1)
    gradients_scaling = np.zeros(margins.shape)
    gradients_scaling[has_insufficient_score] = 1
    gradients_scaling[train_indices, y] = -num_classes_insufficient_score
    dx = gradients_scaling / num_train
    return loss, dx
