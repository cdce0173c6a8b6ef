import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    scores = x.reshape(N * T, V)
    labels = y.reshape(N * T)
    keep = mask.reshape(N * T)
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= np.sum(probs, axis=1, keepdims=True)
    steps = N * T
    loss = -np.sum(keep * np.log(probs[np.arange(steps), labels])) / steps
    dscores = probs.copy()
    dscores[np.arange(steps), labels] -= 1
    dscores *= keep[:, None] / steps
    return loss, dscores.reshape(N, T, V)
