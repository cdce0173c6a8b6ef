import numpy as np


def softmax_loss(x, y):
    num_train = x.shape[0]
    f_max = np.reshape(np.max(x, axis=1), (num_train, 1))
    prob = np.exp(x - f_max) / np.sum(np.exp(x - f_max), axis=1, keepdims=True)
    prob = np.where(prob > 1e-10, prob, 1e-10)  # keep log() finite
    y_true = np.zeros_like(prob)
    y_true[np.arange(num_train), y] = 1.0
    loss = -np.sum(y_true * np.log(prob)) / num_train
    dx = (prob - y_true) / num_train
    return loss, dx
