"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    rightscore = x[np.arange(num_train), y]
    scores = x - rightscore.reshape(-1, 1) + 1
    scores[scores <= 0] = 0
    loss = np.sum(scores) / num_train
    dx = (scores > 0).astype(int) / num_train
    dx[np.arange(num_train), y] -= np.sum(dx, axis=1)
    return loss, dx
