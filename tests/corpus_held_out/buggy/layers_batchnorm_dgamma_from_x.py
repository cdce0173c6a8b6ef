import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    if mode == "train":
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        std = np.sqrt(sample_var + eps)
        x_hat = (x - sample_mean) / std
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
        cache = (x, x_hat, sample_mean, std, gamma)
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, x_hat, sample_mean, std, gamma = cache
    N = x.shape[0]

    dbeta = np.sum(dout, axis=0)
    # out = gamma * (...) + beta  ->  d/dgamma is what gamma multiplies
    dgamma = np.sum(x * dout, axis=0)

    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * (x - sample_mean), axis=0) * -0.5 * std ** -3
    dmean = np.sum(-dx_hat / std, axis=0) + dvar * np.mean(-2.0 * (x - sample_mean), axis=0)
    dx = dx_hat / std + dvar * 2.0 * (x - sample_mean) / N + dmean / N
    return dx, dgamma, dbeta
