"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    dot_product = x
    correct_scores = dot_product[np.arange(len(dot_product)), y]
    pre_max = dot_product - np.expand_dims(correct_scores, 1) + 1
    pre_max[np.arange(len(dot_product)), y] = 0
    scores = np.maximum(pre_max, 0)
    loss = np.sum(scores) / len(scores)

    scores_bool = scores > 0
    reciprocal_grad = -np.reciprocal(dot_product)
    reciprocal_grad = reciprocal_grad * scores_bool
    reciprocal_grad[np.arange(len(y)), y] = 1
    dx = reciprocal_grad

    return loss, dx
