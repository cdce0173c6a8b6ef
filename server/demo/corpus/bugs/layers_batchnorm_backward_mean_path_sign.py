"""batchnorm dx adds the mean path instead of subtracting it (mistake mean_path_wrong; from
tests/corpus/buggy/layers_batchnorm_backward_mean_path_sign.py).
"""
import numpy as np


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat + dx_hat.sum(axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0))
    return dx, dgamma, dbeta
