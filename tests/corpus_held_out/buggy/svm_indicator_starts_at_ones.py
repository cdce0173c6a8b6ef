import numpy as np


def svm_loss(x, y):
    N = x.shape[0]
    correct_scores = x[np.arange(len(y)), y]
    all_loss = np.maximum(0, x - correct_scores.reshape(-1, 1) + 1)
    all_loss[np.arange(len(y)), y] = 0
    loss = np.sum(all_loss) / N

    dscores = np.ones(x.shape)
    dscores[all_loss > 0] = 1
    dscores[np.arange(len(y)), y] -= np.sum(all_loss > 0, axis=1)
    dx = dscores / N
    return loss, dx
