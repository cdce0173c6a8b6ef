import numpy as np


def softmax_loss(x, y):
    num_train = x.shape[0]
    p = np.exp(x - x.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True)
    # small constant so that log never sees an exact 0
    correct = p[np.arange(num_train), y] + 1e-8
    loss = -np.log(correct).sum() / num_train
    p[np.arange(num_train), y] -= 1
    dx = p / num_train
    return loss, dx
