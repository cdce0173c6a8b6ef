"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_classes = x.shape[1]
    num_train = x.shape[0]
    scores = x
    correct_class_score = np.choose(y, scores.T)[..., np.newaxis]
    margin = scores - correct_class_score + 1.
    margin[range(0, num_train), y] = 0.
    margin[margin < 0.] = 0.
    loss = np.sum(margin) / num_train
    dF = margin
    dF[dF > 0] = 1.
    dF[range(0, num_train), y] = -(np.sum(dF, axis=1))
    dx = dF / num_train
    return loss, dx
