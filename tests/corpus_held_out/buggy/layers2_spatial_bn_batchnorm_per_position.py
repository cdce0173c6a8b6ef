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
        now_mean = np.mean(x, axis=0)
        now_var = np.var(x, axis=0)
        running_mean = momentum * running_mean + (1.0 - momentum) * now_mean
        running_var = momentum * running_var + (1.0 - momentum) * now_var
        now_x = (x - now_mean) / np.sqrt(now_var + eps)
        cache = [x, now_mean, now_var, now_x, gamma, eps]
        out = now_x * gamma + beta
    elif mode == "test":
        now_x = (x - running_mean) / np.sqrt(running_var + eps)
        out = now_x * gamma + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, now_mean, now_var, norm_x, gamma, eps = cache
    N, D = x.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * norm_x, axis=0)
    dnorm_x = dout * gamma
    std_x = np.sqrt(now_var + eps)
    dzero_x = dnorm_x / std_x
    dstd = -np.sum((x - now_mean) * dnorm_x, axis=0) / (now_var + eps)
    dvar = 0.5 * dstd / std_x
    dzero_x = dzero_x + 2.0 * (x - now_mean) * dvar / N
    dmean_x = -np.sum(dzero_x, axis=0)
    dx = dzero_x + dmean_x / N
    return dx, dgamma, dbeta


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    mode = bn_param.get("mode", "train")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    running_mean = bn_param.get("running_mean", np.zeros((C, H, W)))
    running_var = bn_param.get("running_var", np.zeros((C, H, W)))
    local_bn_param = {'mode': mode, 'eps': eps, 'momentum': momentum}
    out = np.zeros(x.shape, dtype=x.dtype)
    local_cache = {}
    # every pixel position is a batch of N vectors of C channels
    for i in range(H):
        for j in range(W):
            local_bn_param['running_mean'] = running_mean[:, i, j]
            local_bn_param['running_var'] = running_var[:, i, j]
            out[:, :, i, j], local_cache[(i, j)] = batchnorm_forward(x[:, :, i, j], gamma, beta, local_bn_param)
            running_mean[:, i, j] = local_bn_param['running_mean']
            running_var[:, i, j] = local_bn_param['running_var']
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    cache = [x, gamma, beta, local_cache]
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    x, gamma, beta, local_cache = cache
    N, C, H, W = x.shape
    dx = np.zeros(x.shape, dtype=x.dtype)
    dgamma = np.zeros(gamma.shape)
    dbeta = np.zeros(beta.shape)
    for i in range(H):
        for j in range(W):
            dx[:, :, i, j], dg, db = batchnorm_backward(dout[:, :, i, j], local_cache[(i, j)])
            dgamma += dg
            dbeta += db
    return dx, dgamma, dbeta
