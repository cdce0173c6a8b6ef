"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_train = x.shape[0]
    scores = x
    correct_class_scores = np.choose(y, scores.T)
    mask = np.ones(scores.shape, dtype=bool)
    mask[range(scores.shape[0]), y] = False
    scores_ = scores[mask].reshape(scores.shape[0], scores.shape[1] - 1)
    margin = scores_ - correct_class_scores[..., np.newaxis] + 1
    margin[margin < 0] = 0
    loss = np.sum(margin) / num_train
    original_margin = scores - correct_class_scores[..., np.newaxis] + 1
    pos_margin_mask = (original_margin > 0).astype(float)
    sum_margin = pos_margin_mask.sum(1) - 1
    pos_margin_mask[range(pos_margin_mask.shape[0]), y] = -sum_margin
    dx = pos_margin_mask / num_train
    return loss, dx
