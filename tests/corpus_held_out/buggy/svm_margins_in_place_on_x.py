import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    scores = x
    y_scores = scores[np.arange(num_train), y]
    scores -= y_scores.reshape(num_train, 1)
    scores += 1
    scores = np.maximum(0, scores)
    scores[np.arange(num_train), y] = 0
    loss = np.sum(scores) / num_train
    mask = (scores > 0).astype(np.float64)
    mask[np.arange(num_train), y] = -np.sum(mask, axis=1)
    dx = mask / num_train
    return loss, dx
