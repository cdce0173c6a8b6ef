"""the loss reads the log-probability at y - 1 (1-based labels) (mistake softmax_labels_one_based;
from tests/corpus/buggy/layers_softmax_labels_one_based.py).
"""
import numpy as np


def softmax_loss(x, y):
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(N), y - 1]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
