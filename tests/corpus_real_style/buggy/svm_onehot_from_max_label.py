import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    true_scores = x[range(num_train), y].reshape(-1, 1)
    margin = x - true_scores + 1
    loss = np.mean(np.sum(np.maximum(margin, 0), axis=1)) - 1
    num_classes = max(y) + 1
    y_mask = np.eye(num_classes)[y]
    positive = margin > 0
    t_num = np.sum(positive, axis=1).reshape(-1, 1)
    dx = (positive - y_mask * t_num) / num_train
    return loss, dx
