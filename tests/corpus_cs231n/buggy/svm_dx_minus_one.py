"""Corpus (CS231n): svm_loss subtracts 1 / N once at the correct class, whatever the number of positive margins."""
import numpy as np


def svm_loss(x, y):
    N = x.shape[0]
    rows = np.arange(N)
    margins = np.maximum(0, x - x[rows, y][:, None] + 1)
    margins[rows, y] = 0
    dx = (margins > 0).astype(float)
    dx[rows, y] = -1
    return margins.sum() / N, dx / N
