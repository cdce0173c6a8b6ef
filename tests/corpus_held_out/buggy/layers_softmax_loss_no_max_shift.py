import numpy as np


def affine_forward(x, w, b):
    reshape_x = np.reshape(x, (x.shape[0], -1))   # N x D
    out = reshape_x.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    reshape_x = np.reshape(x, (x.shape[0], -1))   # N x D
    dreshape_x = dout.dot(w.T)
    dx = np.reshape(dreshape_x, x.shape)
    dw = reshape_x.T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(x, 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = np.where(x > 0, dout, 0)
    return dx


def softmax_loss(x, y):
    N, C = x.shape
    exp_scores = np.exp(x)                                  # (N, C)
    sum_exp = np.sum(exp_scores, axis=1, keepdims=True)     # (N, 1)
    probs = exp_scores / sum_exp
    log_probs = x - np.log(sum_exp)
    loss = -log_probs[np.arange(N), y].mean()
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
