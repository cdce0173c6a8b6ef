import numpy as np


def softmax_loss(x, y):
    N = x.shape[0]
    loss = 0.0
    dx = np.zeros_like(x)
    for i in range(N):
        score = x[i] - np.max(x[i])
        total = np.sum(np.exp(score))
        loss += -score[y[i]] + np.log(total)
        for j in range(10):
            if j == y[i]:
                dx[i, j] += np.exp(score[j]) / total - 1
            else:
                dx[i, j] += np.exp(score[j]) / total
    loss /= N
    dx /= N
    return loss, dx
