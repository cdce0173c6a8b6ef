import numpy as np


def word_embedding_forward(x, W):
    out = W[x]
    return out, (x, W.shape)


def word_embedding_backward(dout, cache):
    idx, shape = cache
    dW = np.zeros(shape)
    for i, word_id in enumerate(idx):
        dW[word_id] += dout[i]
    return dW
