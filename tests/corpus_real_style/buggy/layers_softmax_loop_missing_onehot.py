import numpy as np


def softmax_loss(x, y):
    num_train, num_classes = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for i in range(num_train):
        scores = x[i] - np.max(x[i])
        log_sum = np.log(np.sum(np.exp(scores)))
        loss += log_sum - scores[y[i]]
        for j in range(num_classes):
            p = np.exp(scores[j] - log_sum)
            dx[i, j] += p
    loss /= num_train
    dx /= num_train
    return loss, dx
