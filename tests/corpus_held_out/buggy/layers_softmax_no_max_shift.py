import numpy as np


def softmax_loss(x, y):
    n = len(y)
    e = np.exp(x)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean()
    grad = p.copy()
    grad[np.arange(n), y] -= 1.0
    dx = grad / n
    return loss, dx
