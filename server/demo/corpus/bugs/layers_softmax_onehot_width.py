"""the one-hot has y.max() + 1 columns, not C (mistake softmax_onehot_width; from
tests/corpus/buggy/layers_softmax_onehot_width.py).
"""
import numpy as np


def softmax_loss(x, y):
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    onehot = np.eye(y.max() + 1)[y]
    dx = probs - onehot
    dx /= N
    return loss, dx
