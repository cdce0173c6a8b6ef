import numpy as np


def softmax_loss(x, y):
    N, C = x.shape
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_p[np.arange(N), y])
    p = np.exp(log_p)
    one_hot = np.zeros_like(p)
    one_hot[np.arange(N), y] = 1
    dx = (p[np.arange(N), y][:, np.newaxis] - one_hot) / N
    return loss, dx
