# Source of staged_batchnorm.py and staged_batchnorm.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises staged_batchnorm`; never edit the generated files by hand.

# %% [markdown]
# # Batch normalization in nine steps
#
# Frederik Kratzert's walk through batch normalization's backward pass
# ("Understanding the backward pass through Batch Normalization Layer") writes
# the forward of x (N, D) in nine named steps:
#
#     N, D = x.shape
#     mu = 1.0 / N * np.sum(x, axis=0)        # step 1
#     xmu = x - mu                            # step 2
#     sq = xmu ** 2                           # step 3
#     var = 1.0 / N * np.sum(sq, axis=0)      # step 4 (1/N)
#     sqrtvar = np.sqrt(var + eps)            # step 5
#     ivar = 1.0 / sqrtvar                    # step 6
#     xhat = xmu * ivar                       # step 7
#     gammax = gamma * xhat                   # step 8
#     out = gammax + beta                     # step 9
#
# Given dout (random, of out's shape), backpropagate through each step, from
# dgammax back to dx, dgamma and dbeta.
#
# How you hand it in: one function per node, named d<name>, returning the
# gradient. Its parameters are looked up **by name**: any value of the forward
# (x, xmu, ivar, N, eps, ...) and any gradient computed before it (dout,
# dgammax, ...). So
#
#     def dbeta(dout):
#         return dout.sum(axis=0)
#
# is a whole answer. Two values are used twice (x, by steps 1 and 2; xmu, by
# steps 3 and 7): their gradients add up the contributions of both.
#
# Rules: return a float64 array of the node's own shape (in each heading); use
# only your parameters and NumPy (the grader calls your functions again on
# batches of other sizes).
#
# How it is graded: step by step. Each function is called with your own
# upstream gradients, and its step is judged on its own: a step that is right
# gets its point even when a gradient before it was wrong. The report draws the
# graph and marks the first step that is wrong. Run
# `grade check staged_batchnorm.py`, or, in the notebook, the check cell under
# each step.

# %% [markdown]
# ## Working in this notebook
#
# Write each step's function in its cell and run the cell; the check cell under
# it grades the steps you have run so far on the public values and draws the
# graph. Steps you have not written yet show as "not written yet", which is
# expected. The hidden checks, on fresh values, run when you submit.

# %% [setup]
import numpy as np

# %% [markdown]
# ### dgammax: the gradient of gammax, shape (8, 5)
#
# gammax is computed as `gammax = gamma * xhat`. It is read by:
#
#     out = gammax + beta

# %% [stub]
def dgammax(gammax, dout):
    """dL/dgammax, of gammax's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dgammax")

# %% [check]
from grader import notebook
notebook.check("dgammax");

# %% [markdown]
# ### dbeta: the gradient of beta, shape (5,)
#
# beta is an input (a parameter). It is read by:
#
#     out = gammax + beta

# %% [stub]
def dbeta(beta, dout):
    """dL/dbeta, of beta's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbeta")

# %% [check]
from grader import notebook
notebook.check("dbeta");

# %% [markdown]
# ### dgamma: the gradient of gamma, shape (5,)
#
# gamma is an input (a parameter). It is read by:
#
#     gammax = gamma * xhat

# %% [stub]
def dgamma(gamma, dgammax):
    """dL/dgamma, of gamma's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dgamma")

# %% [check]
from grader import notebook
notebook.check("dgamma");

# %% [markdown]
# ### dxhat: the gradient of xhat, shape (8, 5)
#
# xhat is computed as `xhat = xmu * ivar`. It is read by:
#
#     gammax = gamma * xhat

# %% [stub]
def dxhat(xhat, dgammax):
    """dL/dxhat, of xhat's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dxhat")

# %% [check]
from grader import notebook
notebook.check("dxhat");

# %% [markdown]
# ### divar: the gradient of ivar, shape (5,)
#
# ivar is computed as `ivar = 1.0 / sqrtvar`. It is read by:
#
#     xhat = xmu * ivar

# %% [stub]
def divar(ivar, dxhat):
    """dL/divar, of ivar's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("divar")

# %% [check]
from grader import notebook
notebook.check("divar");

# %% [markdown]
# ### dsqrtvar: the gradient of sqrtvar, shape (5,)
#
# sqrtvar is computed as `sqrtvar = np.sqrt(var + eps)`. It is read by:
#
#     ivar = 1.0 / sqrtvar

# %% [stub]
def dsqrtvar(sqrtvar, divar):
    """dL/dsqrtvar, of sqrtvar's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dsqrtvar")

# %% [check]
from grader import notebook
notebook.check("dsqrtvar");

# %% [markdown]
# ### dvar: the gradient of var, shape (5,)
#
# var is computed as `var = 1.0 / N * np.sum(sq, axis=0)`. It is read by:
#
#     sqrtvar = np.sqrt(var + eps)

# %% [stub]
def dvar(var, dsqrtvar):
    """dL/dvar, of var's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dvar")

# %% [check]
from grader import notebook
notebook.check("dvar");

# %% [markdown]
# ### dsq: the gradient of sq, shape (8, 5)
#
# sq is computed as `sq = xmu ** 2`. It is read by:
#
#     var = 1.0 / N * np.sum(sq, axis=0)

# %% [stub]
def dsq(sq, dvar):
    """dL/dsq, of sq's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dsq")

# %% [check]
from grader import notebook
notebook.check("dsq");

# %% [markdown]
# ### dxmu: the gradient of xmu, shape (8, 5)
#
# xmu is computed as `xmu = x - mu`. It is read by:
#
#     sq = xmu ** 2
#     xhat = xmu * ivar
#
# (xmu is used twice: the gradients of both uses add up.)

# %% [stub]
def dxmu(xmu, dsq, dxhat):
    """dL/dxmu, of xmu's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dxmu")

# %% [check]
from grader import notebook
notebook.check("dxmu");

# %% [markdown]
# ### dmu: the gradient of mu, shape (5,)
#
# mu is computed as `mu = 1.0 / N * np.sum(x, axis=0)`. It is read by:
#
#     xmu = x - mu

# %% [stub]
def dmu(mu, dxmu):
    """dL/dmu, of mu's shape (5,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dmu")

# %% [check]
from grader import notebook
notebook.check("dmu");

# %% [markdown]
# ### dx: the gradient of x, shape (8, 5)
#
# x is an input (a parameter). It is read by:
#
#     mu = 1.0 / N * np.sum(x, axis=0)
#     xmu = x - mu
#
# (x is used twice: the gradients of both uses add up.)

# %% [stub]
def dx(x, dmu, dxmu):
    """dL/dx, of x's shape (8, 5). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dx")

# %% [check]
from grader import notebook
notebook.check("dx");

# %% [markdown]
# ## Everything at once
#
# The check of every node, and the whole graph.

# %% [check]
from grader import notebook
notebook.check();
