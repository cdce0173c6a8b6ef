"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    scores = x
    correct_class_scores = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = scores - correct_class_scores + 1
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins[margins > 0])
    loss /= num_train
    mask = np.zeros_like(margins)
    mask[margins > 0] = 1
    mask[np.arange(num_train), y] -= np.sum(mask, axis=1)
    dx = mask / num_train
    dx += mask
    dx /= num_train
    return loss, dx
