import numpy as np


def svm_loss(x, y):
    N = x.shape[0]
    # score of the right class, one per example
    s_y = np.choose(y, x.T)
    margins = np.maximum(0.0, x - s_y[:, None] + 1.0)
    margins[np.arange(N), y] = 0.0
    loss = margins.sum() / N

    positive = (margins > 0).astype(np.float64)
    positive[np.arange(N), y] = -positive.sum(axis=1)
    dx = positive / N
    return loss, dx
