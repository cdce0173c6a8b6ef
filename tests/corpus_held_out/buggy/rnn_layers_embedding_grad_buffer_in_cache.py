import numpy as np


def word_embedding_forward(x, W):
    out = W[x]
    # keep a zero buffer of W's shape for the gradient
    cache = x, np.zeros_like(W)
    return out, cache


def word_embedding_backward(dout, cache):
    x, dW = cache
    np.add.at(dW, x, dout)
    return dW
