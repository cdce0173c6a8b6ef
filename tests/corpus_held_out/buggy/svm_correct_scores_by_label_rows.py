import numpy as np


def svm_loss(x, y):
    N = x.shape[0]
    # the one-example version, margins = max(0, s - s[y] + 1), applied to the whole batch
    margins = np.maximum(0, x - x[y] + 1)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    binary = (margins > 0).astype(float)
    binary[np.arange(N), y] = -np.sum(binary, axis=1)
    dx = binary / N
    return loss, dx
