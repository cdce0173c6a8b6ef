import numpy as np


def _normalise(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return ((x - mean) * inv_std, inv_std)


def _normalise_backward(dx_hat, x_hat, inv_std, axes):
    mean_d = dx_hat.mean(axis=axes, keepdims=True)
    mean_dx = (dx_hat * x_hat).mean(axis=axes, keepdims=True)
    return inv_std * (dx_hat - mean_d - x_hat * mean_dx)


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps, momentum = (bn_param.get('eps', 1e-05), bn_param.get('momentum', 0.9))
    d = x.shape[1]
    running_mean = bn_param.get('running_mean', np.zeros(d, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(d, dtype=x.dtype))
    if mode == 'train':
        x_hat, inv_std = _normalise(x, 0, eps)
        bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * x.mean(axis=0)
        bn_param['running_var'] = momentum * running_var + (1 - momentum) * x.var(axis=0)
        return (gamma * x_hat + beta, (x_hat, inv_std, gamma))
    if mode == 'test':
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return (gamma * x_hat + beta, None)
    raise ValueError(f'invalid batchnorm mode {mode!r}')


def batchnorm_backward_alt(dout, cache):
    x_hat, inv_std, gamma = cache
    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 0)
    return (dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0))


def layernorm_forward(x, gamma, beta, ln_param):
    x_hat, inv_std = _normalise(x, 1, ln_param.get('eps', 1e-05))
    return (gamma * x_hat + beta, (x_hat, inv_std, gamma))


def layernorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache
    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 1)
    return (dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0))


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    n, c, h, w = x.shape
    rows = x.transpose(0, 2, 3, 1).reshape(-1, c)
    out, cache = batchnorm_forward(rows, gamma, beta, bn_param)
    return (out.reshape(n, h, w, c).transpose(0, 3, 1, 2), cache)


def spatial_batchnorm_backward(dout, cache):
    n, c, h, w = dout.shape
    rows = dout.transpose(0, 2, 3, 1).reshape(-1, c)
    dx, dgamma, dbeta = batchnorm_backward_alt(rows, cache)
    return (dx.reshape(n, h, w, c).transpose(0, 3, 1, 2), dgamma, dbeta)


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    n, c, h, w = x.shape
    groups = x.reshape(n, G, c // G, h, w)
    x_hat, inv_std = _normalise(groups, (2, 3, 4), gn_param.get('eps', 1e-05))
    out = gamma.reshape(1, c, 1, 1) * x_hat.reshape(x.shape) + beta.reshape(1, c, 1, 1)
    return (out, (x_hat, inv_std, gamma, G))


def spatial_groupnorm_backward(dout, cache):
    x_hat, inv_std, gamma, G = cache
    n, c, h, w = dout.shape
    dgamma = (dout * x_hat.reshape(dout.shape)).sum(axis=(0, 2, 3), keepdims=True)
    dbeta = dout.sum(axis=(0, 2, 3), keepdims=True)
    dx_hat = (dout * gamma.reshape(1, c, 1, 1)).reshape(n, G, c // G, h, w)
    dx = _normalise_backward(dx_hat, x_hat, inv_std, (2, 3, 4))
    return (dx.reshape(dout.shape), dgamma.reshape(gamma.shape), dbeta.reshape(gamma.shape))


DROPOUT_P_MEANS = 'keep'


def dropout_forward(x, dropout_param):
    p, mode = (dropout_param['p'], dropout_param['mode'])
    if DROPOUT_P_MEANS == 'drop':
        p = 1 - p
    if 'seed' in dropout_param:
        np.random.seed(dropout_param['seed'])
    if mode == 'train':
        mask = (np.random.rand(*x.shape) < p) / p
        return (x * mask, (dropout_param, mask))
    return (x.copy(), (dropout_param, None))


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param['mode'] == 'train':
        return dout * mask
    return dout.copy()


def _output_size(size, kernel, stride, pad=0):
    return 1 + (size + 2 * pad - kernel) // stride


def conv_forward_naive(x, w, b, conv_param):
    pad = conv_param.get('pad')
    stride = conv_param.get('stride')

    N, C, H, W = x.shape
    F, C, HH, WW = w.shape

    # zeros around the two spatial axes only
    padded_x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')

    # spatial size of the output
    out_H = np.int((H + 2 * pad - HH) / stride + 1)
    out_W = np.int((W + 2 * pad - WW) / stride + 1)

    out = np.zeros([N, F, out_H, out_W])
    for nn in range(N):
        for ff in range(F):
            for jj in range(out_H):
                for ii in range(out_W):
                    patch = padded_x[nn, :, jj * stride:jj * stride + HH, ii * stride:ii * stride + WW]
                    out[nn, ff, jj, ii] = np.sum(w[ff, ...] * patch) + b[ff]
    cache = (x, w, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, conv_param = cache
    stride, pad = (conv_param['stride'], conv_param['pad'])
    _, _, hh, ww = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = (slice(i * stride, i * stride + hh), slice(j * stride, j * stride + ww))
            d = dout[:, :, i, j]
            dx_pad[:, :, rows, cols] += np.tensordot(d, w, axes=([1], [0]))
            dw += np.tensordot(d, x_pad[:, :, rows, cols], axes=([0], [0]))
    height, width = (x.shape[2], x.shape[3])
    dx = dx_pad[:, :, pad:pad + height, pad:pad + width]
    return (dx, dw, dout.sum(axis=(0, 2, 3)))


def max_pool_forward_naive(x, pool_param):
    ph, pw, stride = (pool_param['pool_height'], pool_param['pool_width'], pool_param['stride'])
    n, c, h, w = x.shape
    out = np.empty((n, c, _output_size(h, ph, stride), _output_size(w, pw, stride)))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw].max(axis=(2, 3))
    return (out, (x, pool_param))


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, stride = (pool_param['pool_height'], pool_param['pool_width'], pool_param['stride'])
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = (slice(i * stride, i * stride + ph), slice(j * stride, j * stride + pw))
            window = x[:, :, rows, cols]
            is_max = window == window.max(axis=(2, 3), keepdims=True)
            first = is_max & (np.cumsum(is_max.reshape(*is_max.shape[:2], -1), axis=2).reshape(is_max.shape) == 1)
            dx[:, :, rows, cols] += first * dout[:, :, i:i + 1, j:j + 1]
    return dx
