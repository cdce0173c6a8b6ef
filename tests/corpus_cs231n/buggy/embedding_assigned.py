"""Corpus (CS231n): word_embedding_backward writes dW[x] = dout: a repeated word keeps one gradient."""
import numpy as np

def word_embedding_forward(x, W):
    return W[x], (x, W)


def word_embedding_backward(dout, cache):
    x, W = cache
    dW = np.zeros_like(W)
    dW[x] = dout
    return dW
