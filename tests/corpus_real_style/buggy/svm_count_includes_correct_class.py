import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    margin = x - x[np.arange(num_train), y].reshape(-1, 1) + 1
    margin[margin <= 0] = 0
    loss = (np.sum(margin) - num_train) / num_train      # every correct class adds max(0, 1) = 1
    margin[margin > 0] = 1
    rowsum = np.sum(margin, axis=1)
    margin[np.arange(num_train), y] = -rowsum
    dx = margin / num_train
    return loss, dx
