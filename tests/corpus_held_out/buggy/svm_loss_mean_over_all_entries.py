"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    scores = x
    num_train = x.shape[0]
    correct_class_scores = scores[np.arange(num_train), y].reshape((num_train, 1))
    margins = (scores - correct_class_scores + 1).clip(min=0)
    margins[np.arange(num_train), y] = 0
    loss = np.mean(margins)
    mark = margins
    mark[margins > 0] = 1
    col_sum = np.sum(mark, axis=1)
    mark[range(num_train), y] = - col_sum[range(num_train)]
    dx = mark / num_train
    return loss, dx
