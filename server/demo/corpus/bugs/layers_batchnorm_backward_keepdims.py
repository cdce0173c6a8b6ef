"""dgamma and dbeta summed with keepdims=True: shape (1, D) (mistake dgamma_keepdims; from
tests/corpus/buggy/layers_batchnorm_backward_keepdims.py).
"""
import numpy as np


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0, keepdims=True)
    dgamma = np.sum(dout * x_hat, axis=0, keepdims=True)
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0))
    return dx, dgamma, dbeta
