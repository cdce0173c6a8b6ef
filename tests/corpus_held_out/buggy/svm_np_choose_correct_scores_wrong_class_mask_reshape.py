"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_classes = x.shape[1]
    num_train = x.shape[0]
    class_scores = x
    correct_class_scores = np.choose(y, class_scores.T)
    mask = np.ones(class_scores.shape, dtype=bool)
    mask[range(class_scores.shape[0]), y] = False
    wrong_class_scores = class_scores[mask].reshape(class_scores.shape[0], class_scores.shape[1] - 1)
    margins = wrong_class_scores - correct_class_scores[..., np.newaxis] + 1
    margins[margins < 0] = 0
    loss = np.sum(margins) / num_train
    margins = class_scores - correct_class_scores[..., np.newaxis] + 1
    mask = (margins > 0).astype(float)
    num_scores_greater_zero = mask.sum(1) - 1
    mask[range(num_train), y] = -num_scores_greater_zero
    dx = mask / num_train
    return loss, dx
