import numpy as np


def svm_loss(x, y):
    num_train, num_classes = x.shape
    loss = 0.0
    dx = np.zeros(x.shape)
    for i in xrange(num_train):
        scores = x[i]
        correct_class_score = scores[y[i]]
        for j in xrange(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dx[i, j] = dx[i, j] + 1
                dx[i, y[i]] = dx[i, y[i]] - 1
    loss /= num_train
    dx /= num_train
    return (loss, dx)
