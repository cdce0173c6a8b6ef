import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        m = x.mean(axis=0)
        v = x.var(axis=0) + eps          # eps folded in once, used below
        s = np.sqrt(v)
        z = (x - m) / s
        out = gamma * z + beta

        running_mean = momentum * running_mean + (1 - momentum) * m
        running_var = momentum * running_var + (1 - momentum) * v
        cache = (z, s, gamma)

    elif mode == "test":
        z = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * z + beta

    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    z, s, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (z * dout).sum(axis=0)
    dz = dout * gamma
    dx = (N * dz - dz.sum(axis=0) - z * (dz * z).sum(axis=0)) / (N * s)
    return dx, dgamma, dbeta
