import numpy as np


def softmax_loss(x, y):
    num_train, num_classes = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for i in range(num_train):
        scores = x[i]
        shift_scores = scores - max(scores)
    loss_i = -shift_scores[y[i]] + np.log(sum(np.exp(shift_scores)))
    loss += loss_i
    for j in range(num_classes):
        softmax_output = np.exp(shift_scores[j]) / sum(np.exp(shift_scores))
        if j == y[i]:
            dx[i, j] += -1 + softmax_output
        else:
            dx[i, j] += softmax_output
    loss /= num_train
    dx /= num_train
    return loss, dx
