"""Backprop ninja: the gradient of every named step of the makemore MLP, one function per node,
in the order the backward pass meets them."""
import numpy as np


def dlogprobs(logprobs, Yb, n):
    grad = np.zeros_like(logprobs)
    grad[np.arange(n), Yb] = -1.0 / n
    return grad


def dprobs(probs, dlogprobs):
    return dlogprobs / probs


def dcounts_sum_inv(counts, dprobs):
    return (counts * dprobs).sum(1, keepdims=True)


def dcounts(counts_sum_inv, dprobs, dcounts_sum):
    return counts_sum_inv * dprobs + dcounts_sum


def dcounts_sum(counts_sum, dcounts_sum_inv):
    return -counts_sum ** -2 * dcounts_sum_inv


def dnorm_logits(counts, dcounts):
    return counts * dcounts


def dlogit_maxes(dnorm_logits):
    return -dnorm_logits.sum(1, keepdims=True)


def dlogits(logits, dnorm_logits, dlogit_maxes):
    onehot = np.zeros_like(logits)
    onehot[np.arange(logits.shape[0]), logits.argmax(1)] = 1.0
    return dnorm_logits + onehot * dlogit_maxes


def dh(W2, dlogits):
    return dlogits @ W2.T


def dW2(h, dlogits):
    return h.T @ dlogits


def db2(dlogits):
    return dlogits.sum(0)


def dhpreact(h, dh):
    return (1.0 - h ** 2) * dh


def dbngain(bnraw, dhpreact):
    return (bnraw * dhpreact).sum(0, keepdims=True)


def dbnraw(bngain, dhpreact):
    return bngain * dhpreact


def dbnbias(dhpreact):
    return dhpreact.sum(0, keepdims=True)


def dbnvar_inv(bndiff, dbnraw):
    return (bndiff * dbnraw).sum(0, keepdims=True)


def dbnvar(bnvar, dbnvar_inv):
    return -0.5 * (bnvar + 1e-5) ** -1.5 * dbnvar_inv


def dbndiff2(bndiff2, dbnvar, n):
    return np.ones_like(bndiff2) / (n - 1) * dbnvar


def dbndiff(bndiff, bnvar_inv, dbnraw, dbndiff2):
    return bnvar_inv * dbnraw + 2 * bndiff * dbndiff2


def dbnmeani(dbndiff):
    return -dbndiff.sum(0, keepdims=True)


def dhprebn(dbndiff, dbnmeani, n):
    return dbndiff + np.ones_like(dbndiff) / n * dbnmeani


def dembcat(W1, dhprebn):
    return dhprebn @ W1.T


def dW1(embcat, dhprebn):
    return embcat.T @ dhprebn


def db1(dhprebn):
    return dhprebn.sum(0)


def demb(emb, dembcat):
    return dembcat.reshape(emb.shape)


def dC(C, Xb, demb):
    grad = np.zeros_like(C)
    np.add.at(grad, Xb, demb)
    return grad
