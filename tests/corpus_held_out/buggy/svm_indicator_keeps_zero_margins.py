import numpy as np


def svm_loss(x, y):
    delta = 1.0
    num_train = x.shape[0]
    num_classes = x.shape[1]
    scores = x
    unit_mat = np.ones([num_train, num_classes])
    c = range(0, num_train)
    # spread each example's correct score over its row
    correct_class_score = np.identity(num_train)
    correct_class_score[c, c] = scores[c, y[c]]
    correct_class_score = np.dot(correct_class_score, unit_mat)
    correct_class_score[c, y[c]] = 0
    margins = scores - correct_class_score + unit_mat * delta

    loss_uni = np.ones(margins.shape)
    loss_uni[margins < 0] = 0
    dx = loss_uni
    gr_minus = np.sum(margins > 0, axis=1)
    zero_mat = np.zeros([num_train, num_classes])
    zero_mat[c, y] = 1
    gr_minus = np.dot(np.identity(gr_minus.shape[0]) * gr_minus, zero_mat)
    dx -= gr_minus
    dx /= num_train

    loss = margins.copy()
    loss[loss < 0] = 0
    loss[c, y[c]] = 0
    loss_sum = np.sum(loss) / num_train
    return loss_sum, dx
