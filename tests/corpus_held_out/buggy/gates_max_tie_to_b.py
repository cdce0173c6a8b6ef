import numpy as np


def unbroadcast(grad, shape):
    if grad.shape == tuple(shape):
        return grad
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for k, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=k, keepdims=True)
    return grad


def max_forward(l, r):
    l = np.asarray(l, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    return np.maximum(l, r), (l, r)


def max_backward(dout, cache):
    l, r = cache
    lgrad = dout * (l > r)
    rgrad = dout * (l <= r)
    return unbroadcast(lgrad, l.shape), unbroadcast(rgrad, r.shape)
