import numpy as np


def softmax_loss(x, y):
    N, C = x.shape
    row_max = np.max(x, axis=1)
    row_max = np.reshape(np.repeat(row_max, C), x.shape)
    e = np.exp(x + row_max)
    probs = e / np.sum(e, axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
