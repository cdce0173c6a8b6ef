import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    correct_class_score = x[np.arange(num_train), y]
    margin = np.maximum(0, x - correct_class_score + 1.0)
    margin[np.arange(num_train), y] = 0
    loss = np.sum(margin) / num_train
    dx = (margin > 0).astype(x.dtype)
    dx[np.arange(num_train), y] = -np.sum(dx, axis=1)
    dx /= num_train
    return loss, dx
