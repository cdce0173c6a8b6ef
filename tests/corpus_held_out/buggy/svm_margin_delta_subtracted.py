import numpy as np


def svm_loss(x, y):
    delta = 1.0
    N = x.shape[0]
    correct_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_scores[:, None] - delta)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N
    mask = (margins > 0).astype(np.float64)
    mask[np.arange(N), y] = -mask.sum(axis=1)
    dx = mask / N
    return loss, dx
