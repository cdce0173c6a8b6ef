"""batchnorm dx lacks the path through the variance (mistake missing_var_path; from
tests/corpus/buggy/layers_batchnorm_backward_no_var_path.py).
"""
import numpy as np


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0))
    return dx, dgamma, dbeta
