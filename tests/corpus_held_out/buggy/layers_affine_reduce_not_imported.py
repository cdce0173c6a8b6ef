import numpy as np


def affine_forward(x, w, b):
    x_length = reduce(lambda p, q: p * q, x.shape[1:])
    x_vector = x.reshape((x.shape[0], x_length))
    out = x_vector.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    num_input = x.shape[0]
    num_size = reduce(lambda p, q: p * q, x.shape[1:])
    dx = dout.dot(w.T).reshape(x.shape)
    vector_x = x.reshape((num_input, num_size))
    dw = vector_x.T.dot(dout)
    db = dout.sum(0)
    return dx, dw, db
