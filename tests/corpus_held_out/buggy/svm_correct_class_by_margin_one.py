import numpy as np


def svm_loss(x, y):
    n = x.shape[0]
    margins = x - x[np.arange(n), y][:, np.newaxis] + 1.0
    hinge = np.maximum(margins, 0.0)
    # the correct class always has margin exactly 1: take it back out
    loss = (hinge.sum() - n) / n

    counted = (margins > 0) & (margins != 1.0)
    coef = counted.astype(float)
    coef[np.arange(n), y] = -counted.sum(axis=1)
    dx = coef / n
    return loss, dx
