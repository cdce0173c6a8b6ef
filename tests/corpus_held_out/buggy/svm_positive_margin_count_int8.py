"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    delta = 1
    num_classes = x.shape[1]
    num_train = x.shape[0]
    scores = x
    correct_scores = scores[np.arange(num_train), y]
    incorrect_class_mask = np.ones(scores.shape, dtype=bool)
    incorrect_class_mask[np.arange(num_train), y] = False
    incorrect_scores = scores[incorrect_class_mask].reshape(num_train, num_classes - 1)
    margins = (incorrect_scores.T - correct_scores + delta).T
    margins_lim = np.clip(margins, 0, None)
    loss = np.sum(margins_lim)
    loss /= num_train
    margins_gt_zero = np.array(margins_lim, dtype=bool)
    correct_class_mask = np.logical_not(incorrect_class_mask)
    A = np.zeros([num_train, num_classes], dtype=np.int8)
    A[incorrect_class_mask, ...] = margins_gt_zero.flatten()
    A[correct_class_mask, ...] = -np.sum(A, axis=1)
    dx = A / num_train
    return loss, dx
