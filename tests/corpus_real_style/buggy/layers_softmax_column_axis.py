import numpy as np


def softmax_loss(x, y):
    # stable softmax
    exp_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    probs = exp_x / np.sum(exp_x, axis=0, keepdims=True)
    N = x.shape[0]
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
