"""softmax_loss subtracts the row max from x in place: the caller's scores change (mistake
input_mutated; from tests/corpus/buggy/layers_softmax_shift_in_place.py).
"""
import numpy as np


def softmax_loss(x, y):
    N = x.shape[0]
    shifted = x
    shifted -= np.max(x, axis=1, keepdims=True)     # for numerical stability
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
