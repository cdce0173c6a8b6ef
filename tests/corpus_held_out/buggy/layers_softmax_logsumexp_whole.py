import numpy as np


def softmax_loss(x, y):
    N = x.shape[0]
    z = x - np.max(x, axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z)))
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    probs = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    probs[np.arange(N), y] -= 1
    return loss, probs / N
