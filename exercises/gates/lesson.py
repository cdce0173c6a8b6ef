# Source of gates.py and gates.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises gates`; never edit the generated files by hand.

# %% [markdown]
# # Assignment, part 1: backpropagation through elementary gates
#
# Each gate is a pair of functions:
#
#     out, cache = xxx_forward(inputs)   compute the output, and keep in `cache`
#                                        whatever the backward pass will need
#     grads = xxx_backward(dout, cache)  given dout = dL/dout (same shape as out),
#                                        return dL/d(each input)
#
# The chain rule says: gradient = local gradient * upstream dout. For example,
# for out = a * b the local gradient with respect to a is b, so da = b * dout.
#
# The binary gates (add, mul, max, pow) broadcast a against b exactly as NumPy
# does: a of shape (3, 1) and b of shape (1, 4) give out of shape (3, 4). The
# gradient you return for each input must have exactly that input's shape. An
# input that broadcasting copied was used several times, and gradients add where
# a value is used more than once, so sum dout over the axes broadcasting added
# (leading axes) or stretched (axes where the input has size 1; keep them with
# keepdims=True). Write that once, in `unbroadcast`, and use it in every binary
# backward.
#
# Rules:
#
# * Everything is float64, in and out. Inputs may be NumPy arrays of any shape,
#   0-d arrays, or Python/NumPy scalars (shape ()).
# * Never modify an input, dout or anything in the cache in place: the grader
#   calls each backward twice on the same cache and expects the same answer.
# * Use only NumPy.
#
# Replace each `raise NotImplementedError(...)` with your code. The grader checks
# every backward against a numerical gradient: run `grade check gates.py`, or, in
# the notebook, the check cell under each function.

# %% [setup]
import numpy as np

# %% [markdown]
# ## Working in this notebook
#
# Write each function in its cell and run the cell. The check cell under it,
# `notebook.check("add_forward");`, grades the code you have *run* in this
# notebook (re-running a cell replaces the old definition) on the public cases,
# and explains every failure with a hint. It shows the checks of the gate's
# forward and backward together; a backward whose cell you have not run yet is
# left out, and one you have run but not written yet is listed as not
# implemented, which is expected. The hidden checks, on fresh inputs, run when
# you submit.

# %% [markdown]
# ## The computational graph and the chain rule
#
# A computation is a graph of gates. Take out = a * b + c, feeding a loss L:
#
#     a ──┐
#         (*)── p ──┐
#     b ──┘         (+)── out ──> ... ──> L
#     c ────────────┘
#
# The forward pass runs left to right, and each gate caches what its backward
# will need. The backward pass runs right to left: each gate receives
# dout = dL/d(its output), which sums up everything downstream, and multiplies it
# by its own *local* gradient to get the gradient of each input:
#
#     dL/dp = dL/dout * d(p + c)/dp = dout * 1
#     dL/da = dL/dp   * d(a * b)/da = dL/dp * b
#
# A gate needs nothing but dout and its cache. A gradient always has the shape of
# the thing it is the gradient of: da has a's shape, whatever out's shape is.

# %% [markdown]
# ## A value used twice: its gradients add
#
# When x feeds two places, a small change in x reaches L along both paths, and the
# two effects add up (the multivariable chain rule):
#
#     x ──┬──> f ──┐
#         │        (+)── y ──> ... ──> L        dL/dx = (via f) + (via g)
#         └──> g ──┘
#
# Example: out = x * x is a mul gate with a = b = x. It gives da = x * dout and
# db = x * dout, and x's gradient is their sum, 2 * x * dout, which is indeed
# d(x²)/dx times dout. Forgetting to add (keeping one path) gives half of that.

# %% [markdown]
# ## Broadcasting, undone: `unbroadcast`
#
# NumPy lines shapes up from the right. An axis an input lacks counts as size 1
# (prepended), and a size-1 axis is stretched to match the other input:
#
#     a:   (3, 1)
#     b:      (4,)  -> treated as (1, 4)
#     out = a + b: (3, 4)
#
# Broadcasting copies: a's single column is used in all 4 columns of out, and b's
# row in all 3 rows. Each copy is a use, and gradients add where a value is used
# more than once, so each input's gradient sums dout over the axes it was copied
# along:
#
#     da = dout.sum(axis=1, keepdims=True)   # (3, 4) -> (3, 1): a had that axis, at size 1
#     db = dout.sum(axis=0)                  # (3, 4) -> (4,):   b never had that axis
#
# `keepdims=True` keeps a summed axis as size 1, which is what an input with a
# size-1 axis needs; axes the input never had are summed away entirely. Write
# this once, for any `grad` and any target `shape`, including shape () (a scalar
# was copied everywhere: sum everything).

# %% [stub]
def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`, undoing NumPy broadcasting.

    Inputs:
      grad: float64 array of the broadcast output's shape, e.g. (2, 3, 4).
      shape: tuple of ints, the shape of the input this gradient belongs to,
        e.g. (3, 1). It is what the broadcast shape was built from, so it has
        at most grad.ndim axes; () for a scalar input.
    Output:
      float64 array of shape exactly `shape` (for shape () a 0-d array or a
      np.float64 is fine).

    Two steps, because NumPy lines shapes up from the right:
      1. sum over the leading axes that `shape` does not have at all
         (here axis 0 of the (2, 3, 4) gradient);
      2. sum with keepdims=True over every axis where `shape` has size 1 but
         grad does not (here the last axis: (3, 4) -> (3, 1)).
    Summing is right because a broadcast value was used once per copy, and
    gradients add where a value is used more than once.
    """
    # TODO: step 1, sum away the extra leading axes.
    # TODO: step 2, sum (keepdims=True) over the axes that were stretched from size 1.
    raise NotImplementedError("unbroadcast")

# %% [markdown]
# `unbroadcast` is checked through the binary gates that use it, starting with add.
#
# ## add: out = a + b
#
#     a ──┐
#         (+)── out
#     b ──┘
#
# The local gradients are d(a + b)/da = 1 and d(a + b)/db = 1: an add gate hands
# dout unchanged to both inputs. Then each copy is summed back to its input's
# shape. The forward only needs to remember the two shapes.

# %% [stub]
def add_forward(a, b):
    """Forward pass of out = a + b, with NumPy broadcasting.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()).
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b.
      cache: whatever add_backward needs (hint: the shapes of a and b).
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("add_forward")

# %% [check]
from grader import notebook
notebook.check("add_forward");

# %% [stub]
def add_backward(dout, cache):
    """Backward pass of out = a + b.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what add_forward returned.
    Outputs:
      da: float64 array of a's shape, dL/da.
      db: float64 array of b's shape, dL/db.

    The local gradient of a + b is 1 with respect to each input, so each gets
    dout, summed back to its own shape with unbroadcast.
    """
    # TODO: local gradient times dout, then unbroadcast to each input's shape.
    raise NotImplementedError("add_backward")

# %% [check]
from grader import notebook
notebook.check("add_backward");

# %% [markdown]
# ## mul: out = a * b
#
# The local gradients are d(a * b)/da = b and d(a * b)/db = a: each input gets
# dout times the *other* input, so the forward caches both. Multiply at the
# broadcast shape first (b * dout has out's shape even when b is smaller), then
# unbroadcast to the input's shape: `da = unbroadcast(b * dout, a.shape)`.

# %% [stub]
def mul_forward(a, b):
    """Forward pass of out = a * b (elementwise), with NumPy broadcasting.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()).
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b.
      cache: whatever mul_backward needs.
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("mul_forward")

# %% [check]
from grader import notebook
notebook.check("mul_forward");

# %% [stub]
def mul_backward(dout, cache):
    """Backward pass of out = a * b.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what mul_forward returned.
    Outputs:
      da: float64 array of a's shape, dL/da.
      db: float64 array of b's shape, dL/db.

    Local gradients: d(a*b)/da = b and d(a*b)/db = a. Multiply each by dout,
    then unbroadcast to the input's shape.
    """
    # TODO: local gradient times dout, then unbroadcast to each input's shape.
    raise NotImplementedError("mul_backward")

# %% [check]
from grader import notebook
notebook.check("mul_backward");

# %% [markdown]
# ## max: out = max(a, b)
#
# max routes its input: out *is* the larger input. Nudge the winner and out moves
# with it (local gradient 1); nudge the loser and out does not move (local
# gradient 0). So dout flows to the winner only, through a mask such as
# `a >= b`, which has the broadcast shape; then unbroadcast as usual.
#
# At a tie (a == b) max has a kink and no derivative. The convention here: the
# whole dout goes to a (mask `a >= b`, and b gets the complement, `a < b`). The
# grader accepts any split of dout between a and b that adds up to dout, but not
# giving dout to both: that counts it twice. (Think of max(x, x) = x: its
# gradient is dout, not 2 * dout.)

# %% [stub]
def max_forward(a, b):
    """Forward pass of out = elementwise maximum of a and b, with broadcasting.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()).
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b (np.maximum).
      cache: whatever max_backward needs.
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("max_forward")

# %% [check]
from grader import notebook
notebook.check("max_forward");

# %% [stub]
def max_backward(dout, cache):
    """Backward pass of out = max(a, b).

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what max_forward returned.
    Outputs:
      da: float64 array of a's shape, dL/da.
      db: float64 array of b's shape, dL/db.

    dout flows only to the input that won: the local gradient is 1 for the
    winner and 0 for the other. At a tie (a == b) the whole dout goes to a
    (use the mask a >= b), never to both.
    """
    # TODO: build the mask, multiply by dout, unbroadcast to each input's shape.
    raise NotImplementedError("max_backward")

# %% [check]
from grader import notebook
notebook.check("max_backward");

# %% [markdown]
# ## pow: out = a ** b, with a > 0
#
# Two partial derivatives, each holding the other input fixed:
#
# * the base (power rule): $\partial a^b / \partial a = b\,a^{b-1}$;
# * the exponent: $a^b = e^{b \ln a}$, so $\partial a^b / \partial b = a^b \ln a$.
#   This is why a > 0: ln a must exist.
#
# Multiply each by dout and unbroadcast. out = a ** b is already computed in the
# forward pass: caching it saves recomputing it for db.

# %% [stub]
def pow_forward(a, b):
    """Forward pass of out = a ** b (elementwise), with broadcasting; a > 0.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()), all entries > 0.
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b.
      cache: whatever pow_backward needs.
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("pow_forward")

# %% [check]
from grader import notebook
notebook.check("pow_forward");

# %% [stub]
def pow_backward(dout, cache):
    """Backward pass of out = a ** b.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what pow_forward returned.
    Outputs:
      da: float64 array of a's shape: dout * b * a ** (b - 1), unbroadcast.
      db: float64 array of b's shape: dout * a ** b * log(a), unbroadcast.
    """
    # TODO: local gradient times dout, then unbroadcast to each input's shape.
    raise NotImplementedError("pow_backward")

# %% [check]
from grader import notebook
notebook.check("pow_backward");

# %% [markdown]
# ## exp: out = exp(x)
#
# exp is its own derivative, $d e^x / dx = e^x$, so the local gradient is out
# itself: cache out, and dx = out * dout. One input, no broadcasting: dx has x's
# shape.

# %% [stub]
def exp_forward(x):
    """Forward pass of out = exp(x), elementwise.

    Inputs:
      x: float64 array of any shape (or a scalar, shape ()).
    Outputs:
      out: float64 array of x's shape.
      cache: whatever exp_backward needs (hint: exp is its own derivative).
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("exp_forward")

# %% [check]
from grader import notebook
notebook.check("exp_forward");

# %% [stub]
def exp_backward(dout, cache):
    """Backward pass of out = exp(x).

    Inputs:
      dout: float64 array of x's shape, the upstream gradient dL/dout.
      cache: what exp_forward returned.
    Outputs:
      dx: float64 array of x's shape: local gradient exp(x) times dout.
    """
    # TODO: local gradient times dout.
    raise NotImplementedError("exp_backward")

# %% [check]
from grader import notebook
notebook.check("exp_backward");

# %% [markdown]
# ## sum: out = x.sum(axis, keepdims)
#
# A sum is broadcasting's mirror image. Every element of x that went into a sum
# has local gradient 1, so it receives that sum's dout: copy dout back along the
# summed axes.
#
#     forward:  x (2, 3, 4) --sum(axis=1)--> out (2, 4)
#     backward: dout (2, 4) --expand_dims(axis=1)--> (2, 1, 4) --broadcast_to--> dx (2, 3, 4)
#
# The backward of a broadcast is a sum (`unbroadcast`); the backward of a sum is
# a broadcast. The re-inserted size-1 axis makes dout line up with x: NumPy would
# align a (2, 4) dout with x's *last* two axes, (3, 4), which is an error, or
# silently wrong when the sizes happen to match. With keepdims=True the summed
# axes are still there (size 1), so skip that step. Normalise `axis` first:
# None means every axis, an int may be negative (-1 is the last axis), and a
# tuple may name several.

# %% [stub]
def sum_forward(x, axis=None, keepdims=False):
    """Forward pass of out = x.sum(axis=axis, keepdims=keepdims).

    Inputs:
      x: float64 array of any shape.
      axis: None (sum everything), an int (may be negative, e.g. -1 for the
        last axis) or a tuple of ints.
      keepdims: if True the summed axes stay in out's shape with size 1.
    Outputs:
      out: float64 array of x's shape with the summed axes removed (or kept as
        size 1 when keepdims is True); shape () when axis is None and
        keepdims is False.
      cache: whatever sum_backward needs (hint: x's shape, axis, keepdims).
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("sum_forward")

# %% [check]
from grader import notebook
notebook.check("sum_forward");

# %% [stub]
def sum_backward(dout, cache):
    """Backward pass of a sum.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what sum_forward returned.
    Outputs:
      dx: float64 array of x's shape.

    Every summed element contributed with local gradient 1, so each element of
    x receives the dout of the sum it went into: copy dout back along the summed
    axes. Steps: turn axis into a tuple of non-negative ints (axis % x.ndim);
    if keepdims was False, re-insert those axes as size 1 (np.expand_dims);
    then broadcast to x's shape. np.broadcast_to returns a read-only view, so
    return a copy of it.
    """
    # TODO: normalise the axes, re-insert them if needed, broadcast and copy.
    raise NotImplementedError("sum_backward")

# %% [check]
from grader import notebook
notebook.check("sum_backward");

# %% [markdown]
# ## Everything at once
#
# The public checks of every gate you have written, with the total score.

# %% [check]
from grader import notebook
notebook.check();
