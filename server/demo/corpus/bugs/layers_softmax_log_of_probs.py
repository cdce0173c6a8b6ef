"""loss = -log(probs[y]) after the max shift: inf when a row's scores are ~1e3 apart (the
probability underflows to 0) (mistake softmax_log_underflow; from
tests/corpus/buggy/layers_softmax_log_of_probs.py).
"""
import numpy as np


def softmax_loss(x, y):
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
