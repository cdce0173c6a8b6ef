import numpy as np


def svm_loss(x, y):
    num_train = x.shape[0]
    num_classes = x.shape[1]
    scores = x

    # the score of each example's own class, picked by y from the columns of the scores
    correct_class_scores = np.choose(y, scores.T)

    # leave the correct classes out: no margin is counted for them
    keep = np.ones(scores.shape, dtype=bool)
    keep[range(num_train), y] = False
    other_scores = scores[keep].reshape(num_train, num_classes - 1)

    # every margin at once, negatives set to 0 so that they add nothing
    margin = other_scores - correct_class_scores[..., np.newaxis] + 1
    margin[margin < 0] = 0
    loss = np.sum(margin) / num_train

    # gradient: 1 where a margin (correct class included, where it is 1) is positive
    all_margins = scores - correct_class_scores[..., np.newaxis] + 1
    positive = (all_margins > 0).astype(float)
    # how many wrong classes broke the margin (the correct class counted itself, hence - 1)
    count = positive.sum(1) - 1
    positive[range(num_train), y] = -count
    dx = positive / num_train
    return loss, dx
