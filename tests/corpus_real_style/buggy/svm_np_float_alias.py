import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    correct_scores = x[np.arange(num_train), y]
    margin = np.maximum(x - correct_scores[:, np.newaxis] + 1.0, 0)
    margin[np.arange(num_train), y] = 0
    loss = np.sum(margin) / num_train
    dmargin = (margin > 0).astype(np.float)
    dmargin[np.arange(num_train), y] = -np.sum(dmargin, axis=1)
    dx = dmargin / num_train
    return loss, dx
