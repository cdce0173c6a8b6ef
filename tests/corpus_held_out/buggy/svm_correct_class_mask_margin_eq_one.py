import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    scores = x
    correct_class_scores = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, scores - correct_class_scores + 1)  # delta = 1
    # the correct classes are where the margin is exactly 1
    mask_cor = (margins == 1)
    margins[np.arange(num_train), y] = 0  # no margin for the correct class
    loss = np.sum(margins) / num_train

    mask_pos = (margins > 0) * 1
    # d loss / d x_yi = -(number of positive margins of example i)
    correct_indicators = np.sum(mask_pos, axis=1)
    mask_pos[mask_cor] -= correct_indicators.T
    dx = mask_pos / num_train
    return loss, dx
