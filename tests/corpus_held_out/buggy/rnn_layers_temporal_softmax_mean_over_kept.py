import numpy as np


def softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    x = np.exp(x)
    x /= x.sum(axis=1, keepdims=True)
    return x


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    xs = x.reshape(N * T, V)
    ts = y.reshape(N * T)
    mask = mask.reshape(N * T)

    ys = softmax(xs)
    ls = np.log(ys[np.arange(N * T), ts])
    ls *= mask
    loss = -np.sum(ls)
    loss /= mask.sum()

    dx = ys
    dx[np.arange(N * T), ts] -= 1
    dx /= mask.sum()
    dx *= mask[:, np.newaxis]
    if verbose:
        print('dx: ', dx.shape)
    dx = dx.reshape((N, T, V))
    return loss, dx
