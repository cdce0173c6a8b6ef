import numpy as np


def softmax_loss(x, y):
    num_train = x.shape[0]
    scores = x - np.max(x, axis=1).reshape(-1, 1)
    exp_scores = np.exp(scores)
    p = exp_scores / np.sum(exp_scores, axis=1).reshape(-1, 1)
    index = np.arange(num_train)
    loss = np.sum(p[index, y]) / num_train
    dx = p.copy()
    dx[index, y] -= 1
    dx = dx / num_train
    return loss, dx
