"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    scores = x.T
    num_points = y.shape[0]
    correct_classification_indices = (y, np.arange(num_points))
    correct_classifications = scores[correct_classification_indices]
    local_scores = scores + 1 - correct_classifications
    local_scores = np.maximum(local_scores, 0)
    local_scores[correct_classification_indices] = 0
    loss = np.sum(np.sum(local_scores, axis=0)) / num_points
    gradient = np.zeros(scores.shape)
    gradient[local_scores < 0] = 0
    gradient[local_scores > 0] = 1
    gradient[correct_classification_indices] = -1 * np.sum(gradient, axis=0)
    return loss, gradient.T
