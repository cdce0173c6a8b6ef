# dsq divides by N-1 where the forward's variance divides by N.
import numpy as np


def dgammax(dout):
    return dout


def dbeta(dout):
    return dout.sum(axis=0)


def dgamma(xhat, dgammax):
    return (xhat * dgammax).sum(axis=0)


def dxhat(gamma, dgammax):
    return gamma * dgammax


def divar(xmu, dxhat):
    return (xmu * dxhat).sum(axis=0)


def dsqrtvar(sqrtvar, divar):
    return -1.0 / sqrtvar ** 2 * divar


def dvar(var, eps, dsqrtvar):
    return 0.5 / np.sqrt(var + eps) * dsqrtvar


def dsq(sq, N, dvar):
    return np.ones_like(sq) / (N - 1) * dvar


def dxmu(xmu, ivar, dxhat, dsq):
    return ivar * dxhat + 2 * xmu * dsq


def dmu(dxmu):
    return -dxmu.sum(axis=0)


def dx(x, N, dxmu, dmu):
    return dxmu + np.ones_like(x) / N * dmu
