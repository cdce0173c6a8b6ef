import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    stride = conv_param['stride']
    pad = conv_param['pad']
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode='constant')
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h_start = i * stride
                    h_end = h_start + HH
                    w_start = j * stride
                    w_end = w_start + WW
                    out[n, f, i, j] = (x_pad[n, :, h_start:h_end, w_start:w_end] * w[f, :, :, :]).sum() + b[f]
    cache = (x_pad, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x_pad, w, b, conv_param = cache
    N, F, outH, outW = dout.shape
    N, C, padH, padW = x_pad.shape
    FH, FW = w.shape[2], w.shape[3]
    stride = conv_param['stride']
    pad = conv_param['pad']

    filter_vec_len = C * FH * FW
    output_vec_len = outH * outW
    dx = np.zeros((N, C, padH - 2 * pad, padW - 2 * pad))
    dw, db = np.zeros(w.shape), np.zeros(b.shape)
    w_row = w.reshape(F, filter_vec_len)
    x_col = np.zeros((filter_vec_len, output_vec_len))

    for i in range(N):
        dout_i = dout[i].reshape(F, output_vec_len)
        w_out_i = w_row.T.dot(dout_i)
        dx_i = np.zeros((C, padH, padW))
        out_pos = 0
        for h in range(0, padH - FH + 1, stride):
            for k in range(0, padW - FW + 1, stride):
                dx_i[:, h:h + FH, k:k + FW] += w_out_i[:, out_pos].reshape(C, FH, FW)
                x_col[:, out_pos] = x_pad[i, :, h:h + FH, k:k + FW].reshape(filter_vec_len)
                out_pos += 1
        dx[i] = dx_i[:, pad:-pad, pad:-pad]
        dw += dout_i.dot(x_col.T).reshape(F, C, FH, FW)
        db += dout_i.sum(axis=1)
    return dx, dw, db
