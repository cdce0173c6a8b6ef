import numpy as np


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get('eps', 1e-5)
    N, C, H, W = x.shape
    x_g = np.reshape(x, (N, G, int(C / G), H, W))
    mean_g = np.mean(x_g, axis=(2, 3, 4), keepdims=True)  # [N, G, 1, 1, 1]
    e_g = x_g - mean_g
    var_g = np.mean(e_g ** 2, axis=(2, 3, 4), keepdims=True)
    std_g = np.sqrt(var_g + eps)
    invstd_g = 1 / std_g
    xhat = np.reshape(e_g * invstd_g, (N, C, H, W))
    out = gamma.reshape((1, C, 1, 1)) * xhat + beta.reshape((1, C, 1, 1))
    cache = {'e_g': e_g, 'var_g': var_g, 'std_g': std_g, 'invstd_g': invstd_g,
             'xhat': xhat, 'gamma': gamma, 'G': G, 'eps': eps}
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    e_g = cache['e_g']  # [N, G, C/G, H, W]
    var_g = cache['var_g']
    std_g = cache['std_g']
    invstd_g = cache['invstd_g']
    xhat = cache['xhat']
    gamma = cache['gamma']
    G = cache['G']
    eps = cache['eps']
    N, C, H, W = dout.shape
    dbeta = np.sum(dout, axis=(0, 2, 3))  # [C,]
    dgamma = np.sum(dout * xhat, axis=(0, 2, 3))  # [C,]
    dxhat = gamma.reshape((1, C, 1, 1)) * dout
    dxhat_g = np.reshape(dxhat, (N, G, C // G, H, W))
    dinvstd_g = np.sum(e_g * dxhat_g, axis=(2, 3, 4), keepdims=True)
    dstd_g = -1 / std_g ** 2 * dinvstd_g
    dvar_g = 0.5 / np.sqrt(var_g + eps) * dstd_g
    M = C // G * H * W
    de_g = 2 * e_g * (np.ones(e_g.shape) * dvar_g / M)
    de_g += invstd_g * dxhat_g
    dmean_g = -1 * np.sum(de_g, axis=(2, 3, 4), keepdims=True)
    dx_g = de_g + np.ones(e_g.shape) * dmean_g / M
    dx = np.reshape(dx_g, (N, C, H, W))
    return dx, dgamma, dbeta
