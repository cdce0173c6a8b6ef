"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    delta = 0
    num_classes = x.shape[1]
    num_train = x.shape[0]
    correct_scores = x[np.arange(num_train), y]
    correct_scores = np.repeat(correct_scores, num_classes)
    correct_scores = np.reshape(correct_scores, x.shape)
    scores_subtracted = x - correct_scores + delta
    scores_subtracted[scores_subtracted < 0] = 0
    scores_subtracted[np.arange(num_train), y] = 0
    loss = np.sum(scores_subtracted)
    loss /= num_train
    margins = np.zeros_like(scores_subtracted)
    margins[scores_subtracted > 0] = 1
    row_sum = np.sum(margins, axis=1)
    margins[np.arange(num_train), y] = -row_sum
    dx = margins / num_train
    return loss, dx
