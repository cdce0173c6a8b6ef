import numpy as np


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    log_probs = x - x.max(axis=2, keepdims=True)
    log_probs -= np.log(np.exp(log_probs).sum(axis=2, keepdims=True))
    n_words = mask.sum()
    picked = np.take_along_axis(log_probs, y[:, :, None], axis=2)[:, :, 0]
    loss = -(picked * mask).sum() / n_words
    dx = np.exp(log_probs)
    dx[np.arange(N)[:, None], np.arange(T)[None, :], y] -= 1
    dx *= mask[:, :, None] / n_words
    return loss, dx
