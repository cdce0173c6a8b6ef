import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    margin = x - x[range(num_train), y].reshape(-1, 1) + 1
    margin[range(num_train), list(y)] = 0
    loss = np.sum(margin > 0) / num_train

    need_add = np.zeros_like(x)
    need_add[margin > 0] = 1
    need_add[range(num_train), y] = -np.sum(margin > 0, axis=1)
    dx = need_add / num_train
    return loss, dx
