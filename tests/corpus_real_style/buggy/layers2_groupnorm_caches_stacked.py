import numpy as np


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    size = C // G
    out = np.zeros_like(x)
    cache = None
    for g in range(G):
        part = x[:, g * size:(g + 1) * size]
        mu = part.mean(axis=(1, 2, 3), keepdims=True)
        std = np.sqrt(part.var(axis=(1, 2, 3), keepdims=True) + eps)
        x_hat = (part - mu) / std
        gam, bet = gamma[:, g * size:(g + 1) * size], beta[:, g * size:(g + 1) * size]
        out[:, g * size:(g + 1) * size] = gam * x_hat + bet
        piece = (x_hat, std, gam)
        cache = piece if cache is None else np.vstack([cache, piece])
    return out, (cache, G)


def spatial_groupnorm_backward(dout, cache):
    pieces, G = cache
    N, C, H, W = dout.shape
    size = C // G
    dx = np.zeros_like(dout)
    dgamma = np.sum(dout * np.concatenate([p[0] for p in pieces], axis=1), axis=(0, 2, 3), keepdims=True)
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    for g, (x_hat, std, gam) in enumerate(pieces):
        d = dout[:, g * size:(g + 1) * size] * gam
        m = size * H * W
        dx[:, g * size:(g + 1) * size] = (m * d - d.sum(axis=(1, 2, 3), keepdims=True)
                                          - x_hat * (d * x_hat).sum(axis=(1, 2, 3), keepdims=True)) / (m * std)
    return dx, dgamma, dbeta
