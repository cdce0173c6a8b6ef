import numpy as np


def svm_loss(x, y):
    dx = np.zeros(x.shape)
    N = x.shape[0]  # number of samples
    scores = x
    margins = np.maximum(0, scores - np.reshape(scores[range(N), y], [N, 1]) + 1)
    margins[range(N), y] = 0
    loss = np.sum(margins) / N

    # (example, class) of every positive margin, and how many each example has
    X_label, wrongclass = np.nonzero(margins)
    X_label_uniq, counts = np.unique(X_label, return_counts=True)
    for i in xrange(X_label_uniq.shape[0]):
        row = X_label_uniq[i]
        dx[row, wrongclass[X_label == row]] += 1
        dx[row, y[row]] -= counts[i]
    dx /= N
    return loss, dx
