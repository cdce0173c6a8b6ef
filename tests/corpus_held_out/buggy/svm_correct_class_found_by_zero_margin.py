import numpy as np


def svm_loss(x, y):
    N = len(x)
    scores = x
    y_scores = scores[np.arange(N), y].reshape(N, -1)
    scores = scores - y_scores + 1
    scores[np.arange(N), y] = 0
    margins = np.maximum(0, scores)
    loss = np.sum(margins) / N

    mask = margins > 0
    num_over_margin = np.sum(mask, axis=1).reshape(-1, 1)
    dx = mask.astype(np.float64)
    # the correct classes are where the (pre-max) margin was set to 0
    mask2 = scores == 0
    mask2 = mask2.astype(int) * num_over_margin
    dx -= mask2
    dx /= N
    return loss, dx
