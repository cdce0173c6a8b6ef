import numpy as np


def softmax_loss(x, y):
    N, C = x.shape
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    one_hot = np.zeros_like(p)
    one_hot[np.arange(N), y] = 1
    dx = (p[np.arange(N), y][:, np.newaxis] - one_hot) / N
    return loss, dx
