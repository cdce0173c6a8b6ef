import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    correct = x[np.arange(num_train), y]
    margin = np.maximum(0, x - np.reshape(correct, (num_train, 1)) + 1)
    margin[np.arange(num_train), y] = 0
    loss = np.sum(margin) / num_train
    indicator = (margin > 0).astype("float32")
    indicator[np.arange(num_train), y] = -np.sum(indicator, axis=1)
    dx = indicator / num_train
    return loss, dx
