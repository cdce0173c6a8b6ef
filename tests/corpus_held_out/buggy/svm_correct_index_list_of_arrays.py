import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    correct_classes = [np.arange(y.shape[0]), y]
    correct_class_scores = x[correct_classes]
    correct_class_scores = correct_class_scores[:, np.newaxis]
    margins = x - correct_class_scores + 1
    margins[correct_classes] = 0
    losses = np.maximum(margins, 0)
    loss = np.sum(losses) / num_train
    beyond = (margins > 0).astype(float)
    count = np.sum(beyond, axis=1)
    beyond[correct_classes] = -count
    dx = beyond / num_train
    return loss, dx
