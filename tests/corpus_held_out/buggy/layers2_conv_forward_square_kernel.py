import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    s = conv_param['stride']
    p = conv_param['pad']
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), 'constant')
    N, C, Hp, Wp = xpad.shape
    F, C, k, kw = w.shape
    # output positions, computed from the padded size
    rows = range(0, Hp - k + 1, s)
    cols = range(0, Wp - kw + 1, s)
    out = np.zeros((N, F, len(rows), len(cols)))
    for n in range(N):
        for f in range(F):
            for a, r in enumerate(rows):
                for c_, c in enumerate(cols):
                    out[n, f, a, c_] = np.sum(xpad[n, :, r:r + k, c:c + k] * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    s, p = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, C, k, kw = w.shape
    _, _, Ho, Wo = dout.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), 'constant')
    dxpad = np.zeros_like(xpad)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for a in range(Ho):
        for c_ in range(Wo):
            win = xpad[:, :, a * s:a * s + k, c_ * s:c_ * s + kw]
            g = dout[:, :, a, c_]
            dw += np.einsum('nf,nchw->fchw', g, win)
            dxpad[:, :, a * s:a * s + k, c_ * s:c_ * s + kw] += np.einsum('nf,fchw->nchw', g, w)
    return dxpad[:, :, p:p + H, p:p + W], dw, db
