"""dx only through x_hat, not through mean and var (mistake missing_mean_var_paths; from
tests/corpus/buggy/layers_batchnorm_backward_no_mean_var_paths.py).
"""
import numpy as np


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = dx_hat * inv_std
    return dx, dgamma, dbeta
