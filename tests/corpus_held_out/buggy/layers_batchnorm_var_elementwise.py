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
        mean = np.mean(x, axis=0)
        x_mean = x - mean
        var = np.square(x_mean) / N
        std = np.sqrt(var + eps)
        x_hat = x_mean / std
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
        out = gamma * x_hat + beta
        cache = (x_mean, std, x_hat, gamma)
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    N = dout.shape[0]
    x_mean, std, x_hat, gamma = cache
    dgamma = np.sum(dout * x_hat, axis=0)
    dbeta = np.sum(dout, axis=0)
    dx_hat = gamma * dout
    dstd = -np.sum(dx_hat * x_mean / np.square(std), axis=0)
    dvar = 0.5 * dstd / std
    dx_mean = 2 * x_mean * dvar / N + dx_hat / std
    dmean = -np.sum(dx_mean, axis=0)
    dx = dx_mean + dmean / N
    return dx, dgamma, dbeta
