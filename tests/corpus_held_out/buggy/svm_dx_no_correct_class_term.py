import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    margin = np.maximum(0, x - x[range(num_train), y].reshape(-1, 1) + 1)
    margin[range(num_train), list(y)] = 0
    loss = np.sum(margin) / num_train

    need_add = np.zeros((num_train, x.shape[1]))
    need_add[margin > 0] = 1
    dx = need_add / num_train
    return loss, dx
