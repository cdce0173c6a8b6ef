import numpy as np


def svm_loss(x, y):
    N = x.shape[0]
    margins = x - x[np.arange(N), y][:, np.newaxis] + 1.0
    margins[np.arange(N), y] = 0.0
    threshold = np.maximum(0.0, margins)
    loss = np.sum(threshold) / N
    threshold[threshold > 0] = 1
    column_sum = np.sum(threshold, axis=0)
    dx = threshold.copy()
    dx[np.arange(N), y] -= column_sum
    dx /= N
    return loss, dx
