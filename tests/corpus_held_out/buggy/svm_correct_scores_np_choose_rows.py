import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    scores = x
    margin = scores - np.choose(y, scores.T)[:, np.newaxis] + 1   # [:, np.newaxis] for broadcasting
    margin[np.arange(len(y)), y] = 0   # the "continue" on j == y[i] of the loop version
    loss = np.sum(margin[margin > 0])
    loss /= num_train

    mask = np.zeros(margin.shape)
    mask[margin > 0] = 1
    mask[np.arange(num_train), y] = -np.sum(mask, axis=1)   # count the occurrences
    dx = mask / num_train
    return loss, dx
