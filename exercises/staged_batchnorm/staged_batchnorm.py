"""Batch normalization in nine steps.

Frederik Kratzert's walk through batch normalization's backward pass
("Understanding the backward pass through Batch Normalization Layer") writes
the forward of x (N, D) in nine named steps:

    N, D = x.shape
    mu = 1.0 / N * np.sum(x, axis=0)        # step 1
    xmu = x - mu                            # step 2
    sq = xmu ** 2                           # step 3
    var = 1.0 / N * np.sum(sq, axis=0)      # step 4 (1/N)
    sqrtvar = np.sqrt(var + eps)            # step 5
    ivar = 1.0 / sqrtvar                    # step 6
    xhat = xmu * ivar                       # step 7
    gammax = gamma * xhat                   # step 8
    out = gammax + beta                     # step 9

Given dout (random, of out's shape), backpropagate through each step, from
dgammax back to dx, dgamma and dbeta.

How you hand it in: one function per node, named d<name>, returning the
gradient. Its parameters are looked up **by name**: any value of the forward
(x, xmu, ivar, N, eps, ...) and any gradient computed before it (dout,
dgammax, ...). So

    def dbeta(dout):
        return dout.sum(axis=0)

is a whole answer. Two values are used twice (x, by steps 1 and 2; xmu, by
steps 3 and 7): their gradients add up the contributions of both.

Rules: return a float64 array of the node's own shape (in each heading); use
only your parameters and NumPy (the grader calls your functions again on
batches of other sizes).

How it is graded: step by step. Each function is called with your own
upstream gradients, and its step is judged on its own: a step that is right
gets its point even when a gradient before it was wrong. The report draws the
graph and marks the first step that is wrong. Run
`grade check staged_batchnorm.py`, or, in the notebook, the check cell under
each step.
"""

import numpy as np


def dgammax(gammax, dout):
    """dL/dgammax, of gammax's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dgammax")


def dbeta(beta, dout):
    """dL/dbeta, of beta's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbeta")


def dgamma(gamma, dgammax):
    """dL/dgamma, of gamma's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dgamma")


def dxhat(xhat, dgammax):
    """dL/dxhat, of xhat's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dxhat")


def divar(ivar, dxhat):
    """dL/divar, of ivar's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("divar")


def dsqrtvar(sqrtvar, divar):
    """dL/dsqrtvar, of sqrtvar's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dsqrtvar")


def dvar(var, dsqrtvar):
    """dL/dvar, of var's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dvar")


def dsq(sq, dvar):
    """dL/dsq, of sq's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dsq")


def dxmu(xmu, dsq, dxhat):
    """dL/dxmu, of xmu's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dxmu")


def dmu(mu, dxmu):
    """dL/dmu, of mu's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dmu")


def dx(x, dmu, dxmu):
    """dL/dx, of x's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dx")
