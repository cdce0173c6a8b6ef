import numpy as np


def softmax_loss(x, y):
    num_train = x.shape[0]
    scores = x - x.max(axis=1, keepdims=True)
    log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = -log_p[range(num_train), y].sum()
    dscores = np.exp(log_p)
    dscores[range(num_train), y] -= 1
    dscores /= num_train
    return loss, dscores
