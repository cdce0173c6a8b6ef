"""dx[:, y] -= 1 subtracts at every label's column in every row (mistake softmax_onehot_all_rows;
from tests/corpus/buggy/layers_softmax_onehot_all_rows.py).
"""
import numpy as np


def softmax_loss(x, y):
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[:, y] -= 1
    dx /= N
    return loss, dx
