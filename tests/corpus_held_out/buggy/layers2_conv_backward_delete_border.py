import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    S, P = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    oh = (H + 2 * P - kh) // S + 1
    ow = (W + 2 * P - kw) // S + 1
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)])
    out = np.empty((N, F, oh, ow))
    for r in range(oh):
        for c in range(ow):
            patch = xp[:, :, r * S:r * S + kh, c * S:c * S + kw]          # (N, C, kh, kw)
            out[:, :, r, c] = patch.reshape(N, -1) @ w.reshape(F, -1).T + b
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    S, P = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    _, _, oh, ow = dout.shape
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)])
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for r in range(oh):
        for c in range(ow):
            patch = xp[:, :, r * S:r * S + kh, c * S:c * S + kw]
            g = dout[:, :, r, c]                                          # (N, F)
            dw += (g.T @ patch.reshape(N, -1)).reshape(w.shape)
            dxp[:, :, r * S:r * S + kh, c * S:c * S + kw] += (g @ w.reshape(F, -1)).reshape(N, C, kh, kw)
    # strip the padding: first and last row / column
    dx = np.delete(dxp, [0, -1], axis=3)
    dx = np.delete(dx, [0, -1], axis=2)
    return dx, dw, db
