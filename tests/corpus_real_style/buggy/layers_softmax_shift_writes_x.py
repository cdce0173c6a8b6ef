import numpy as np


def softmax_loss(x, y):
    N = len(y)
    logits = x
    logits -= np.max(logits, axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    log_probs = logits - log_sum
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
