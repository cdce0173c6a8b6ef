import numpy as np


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get('eps', 1e-5)
    N, C, H, W = x.shape
    out = np.zeros_like(x)
    cache = []

    group_size = C // G
    for i in range(G):
        begin = i * group_size
        end = (i + 1) * group_size
        if end >= C:
            end = -1

        group_x = x[:, begin:end, :, :]
        mean = np.mean(group_x, axis=(1, 2, 3), keepdims=True)
        var = np.var(group_x, axis=(1, 2, 3), keepdims=True)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_norm = (group_x - mean) * inv_std

        out[:, begin:end, :, :] = gamma[:, begin:end, :, :] * x_norm + beta[:, begin:end, :, :]
        cache.append((begin, end, x_norm, inv_std))

    cache = (cache, gamma, x.shape)
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    group_caches, gamma, x_shape = cache
    N, C, H, W = x_shape
    dx = np.zeros(x_shape)
    dgamma = np.zeros((1, C, 1, 1))
    dbeta = np.zeros((1, C, 1, 1))

    for begin, end, x_norm, inv_std in group_caches:
        group_dout = dout[:, begin:end, :, :]
        dbeta[:, begin:end, :, :] = np.sum(group_dout, axis=(0, 2, 3), keepdims=True)
        dgamma[:, begin:end, :, :] = np.sum(group_dout * x_norm, axis=(0, 2, 3), keepdims=True)

        dx_norm = group_dout * gamma[:, begin:end, :, :]
        M = x_norm[0].size
        dx[:, begin:end, :, :] = inv_std / M * (
            M * dx_norm
            - np.sum(dx_norm, axis=(1, 2, 3), keepdims=True)
            - x_norm * np.sum(dx_norm * x_norm, axis=(1, 2, 3), keepdims=True))

    return dx, dgamma, dbeta
