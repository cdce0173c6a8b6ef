# A correct submission written with loops and explicit one-hot matrices, the slow way.
import numpy as np


def dlogprobs(logprobs, Yb):
    n = logprobs.shape[0]
    out = np.zeros(logprobs.shape)
    for i in range(n):
        out[i, Yb[i]] = -1.0 / n
    return out


def dprobs(probs, dlogprobs):
    return (1.0 / probs) * dlogprobs


def dcounts_sum_inv(counts, dprobs):
    out = np.zeros((counts.shape[0], 1))
    for i in range(counts.shape[0]):
        out[i, 0] = np.dot(counts[i], dprobs[i])
    return out


def dcounts_sum(counts_sum, dcounts_sum_inv):
    return (-1.0 / counts_sum ** 2) * dcounts_sum_inv


def dcounts(counts, counts_sum_inv, dprobs, dcounts_sum):
    return counts_sum_inv * dprobs + np.ones_like(counts) * dcounts_sum


def dnorm_logits(norm_logits, dcounts):
    return np.exp(norm_logits) * dcounts


def dlogit_maxes(dnorm_logits):
    return -np.sum(dnorm_logits, axis=1, keepdims=True)


def dlogits(logits, logit_maxes, dnorm_logits, dlogit_maxes):
    out = dnorm_logits.copy()
    for i in range(logits.shape[0]):
        j = int(np.argmax(logits[i]))
        out[i, j] += dlogit_maxes[i, 0]
    return out


def dh(W2, dlogits):
    return np.dot(dlogits, W2.T)


def dW2(h, dlogits):
    return np.dot(h.T, dlogits)


def db2(dlogits):
    return np.sum(dlogits, axis=0)


def dhpreact(hpreact, dh):
    return (1.0 - np.tanh(hpreact) ** 2) * dh


def dbngain(bnraw, dhpreact):
    return np.sum(bnraw * dhpreact, axis=0, keepdims=True)


def dbnraw(bngain, dhpreact):
    return bngain * dhpreact


def dbnbias(dhpreact):
    return np.sum(dhpreact, axis=0, keepdims=True)


def dbnvar_inv(bndiff, dbnraw):
    return np.sum(bndiff * dbnraw, axis=0, keepdims=True)


def dbnvar(bnvar_inv, dbnvar_inv):
    return -0.5 * bnvar_inv ** 3 * dbnvar_inv


def dbndiff2(bndiff2, dbnvar):
    n = bndiff2.shape[0]
    return np.full(bndiff2.shape, 1.0 / (n - 1)) * dbnvar


def dbndiff(bndiff, bnvar_inv, dbndiff2, dbnraw):
    return 2 * bndiff * dbndiff2 + bnvar_inv * dbnraw


def dbnmeani(dbndiff):
    return -np.sum(dbndiff, axis=0, keepdims=True)


def dhprebn(hprebn, dbndiff, dbnmeani):
    return dbndiff + dbnmeani / hprebn.shape[0]


def dembcat(W1, dhprebn):
    return np.dot(dhprebn, W1.T)


def dW1(embcat, dhprebn):
    return np.dot(embcat.T, dhprebn)


def db1(dhprebn):
    return np.sum(dhprebn, axis=0)


def demb(emb, dembcat):
    return np.reshape(dembcat, emb.shape)


def dC(C, Xb, demb):
    out = np.zeros(C.shape)
    for i in range(Xb.shape[0]):
        for j in range(Xb.shape[1]):
            out[Xb[i, j]] += demb[i, j]
    return out
