"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    delta = 1
    scores = x
    correct_scores_index = [np.arange(num_train), y]
    correct_scores = scores[correct_scores_index][:, np.newaxis]
    margins = np.maximum(0, scores - correct_scores + delta)
    margins[correct_scores_index] = 0
    loss = np.sum(margins)
    loss /= num_train
    mask = np.zeros(margins.shape)
    mask[margins > 0] = 1
    correct_scores_mask = -np.sum(mask, axis=1)
    mask[correct_scores_index] = correct_scores_mask
    dx = mask / num_train
    return loss, dx
