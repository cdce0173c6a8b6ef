"""Corpus (CS231n): dropout whose forward is right (np.random.binomial mask) but whose backward draws
a fresh mask instead of reusing the forward's: the backward must fail."""
import numpy as np


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = np.random.binomial(1, p, size=x.shape) / p
        out = x * mask
    else:
        out = x
    return out, (dropout_param, mask)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] != "train":
        return dout
    p = dropout_param["p"]
    return dout * np.random.binomial(1, p, size=dout.shape) / p
