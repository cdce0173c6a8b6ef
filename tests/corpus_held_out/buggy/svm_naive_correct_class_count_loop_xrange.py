"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    dx = np.zeros(x.shape)
    delta = 1

    num_classes = x.shape[1]
    num_train = x.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = x[i]
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                acc = 0
                for k in xrange(num_classes):
                    if k != j:
                        acc += 1 if x[i, k] - x[i, j] + delta > 0 else 0
                dx[i, j] += -1 * acc

                continue

            dx[i, j] += (1 if x[i, j] - x[i, y[i]] + delta > 0 else 0)
            margin = scores[j] - correct_class_score + delta
            if margin > 0:
                loss += margin

    loss /= num_train
    dx /= num_train

    return loss, dx
