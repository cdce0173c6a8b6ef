import numpy as np


def svm_loss(x, y):
    N = x.shape[0]
    scores_y = x[range(N), y]
    margins = np.maximum(0, x - scores_y[:, None] + 1)
    margins[range(N), y] = 0
    loss = np.sum(margins) / N
    ds = np.zeros(margins.shape)
    ds[margins > 0] = 1
    ds[range(N), y] = -np.sum(margins > 0, axis=0)
    dx = ds / N
    return loss, dx
