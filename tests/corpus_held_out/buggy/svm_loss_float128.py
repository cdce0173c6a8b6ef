import numpy as np


def svm_loss(x, y):
    n = x.shape[0]
    rows = np.arange(n)
    # extended precision for the sums
    s = np.asarray(x, dtype=np.float128)
    margin = s - s[rows, y].reshape(-1, 1) + 1
    margin[rows, y] = 0
    margin = np.maximum(margin, 0)
    loss = margin.sum() / n

    g = (margin > 0).astype(np.float128)
    g[rows, y] = -g.sum(axis=1)
    dx = g / n
    return loss, dx
