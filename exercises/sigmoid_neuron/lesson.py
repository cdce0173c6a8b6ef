# Source of sigmoid_neuron.py and sigmoid_neuron.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises sigmoid_neuron`; never edit the generated files by hand.

# %% [markdown]
# # The sigmoid neuron, gate by gate
#
# The neuron of CS231n's lecture on backpropagation,
# f = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2))), drawn as a circuit of gates, each
# with a name:
#
#     w0x0 = w0 * x0
#     w1x1 = w1 * x1
#     wx = w0x0 + w1x1
#     dot = wx + w2
#     negdot = -dot
#     expneg = np.exp(negdot)
#     denom = expneg + 1.0
#     f = 1.0 / denom
#
# The values are scalars (0-d arrays), as in the lecture. The upstream
# gradient df is given (a random number, not 1: the chain rule must multiply by
# it). Your job: the gradient at every gate, from ddenom back to dw0, dx0, dw1,
# dx1 and dw2.
#
# How you hand it in: one function per node, named d<name>, returning the
# gradient. Its parameters are looked up **by name**: any value of the forward
# (w0, x0, dot, expneg, f, ...) and any gradient computed before it (df,
# ddenom, ...). So
#
#     def ddenom(denom, df):
#         return -1.0 / denom ** 2 * df
#
# is a whole answer. Each gradient is the gate's local gradient times the
# upstream gradient: add gates pass it on, mul gates swap their inputs, and so on.
#
# Rules: return a number or a 0-d float64 array; use only your parameters and
# NumPy (the grader calls your functions again on fresh values).
#
# How it is graded: gate by gate. Each function is called with your own upstream
# gradients, and its gate is judged on its own: a gate that is right gets its
# point even when a gradient before it was wrong. The report draws the circuit
# and marks the first gate that is wrong. Run `grade check sigmoid_neuron.py`,
# or, in the notebook, the check cell under each gate.

# %% [markdown]
# ## Working in this notebook
#
# Write each gate's function in its cell and run the cell; the check cell under
# it grades the gates you have run so far on the public values and draws the
# graph. Gates you have not written yet show as "not written yet", which is
# expected. The hidden checks, on fresh values, run when you submit.

# %% [setup]
import numpy as np

# %% [markdown]
# ### ddenom: the gradient of denom, shape ()
#
# denom is computed as `denom = expneg + 1.0`. It is read by:
#
#     f = 1.0 / denom

# %% [stub]
def ddenom(denom, df):
    """dL/ddenom, of denom's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("ddenom")

# %% [check]
from grader import notebook
notebook.check("ddenom");

# %% [markdown]
# ### dexpneg: the gradient of expneg, shape ()
#
# expneg is computed as `expneg = np.exp(negdot)`. It is read by:
#
#     denom = expneg + 1.0

# %% [stub]
def dexpneg(expneg, ddenom):
    """dL/dexpneg, of expneg's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dexpneg")

# %% [check]
from grader import notebook
notebook.check("dexpneg");

# %% [markdown]
# ### dnegdot: the gradient of negdot, shape ()
#
# negdot is computed as `negdot = -dot`. It is read by:
#
#     expneg = np.exp(negdot)

# %% [stub]
def dnegdot(negdot, dexpneg):
    """dL/dnegdot, of negdot's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dnegdot")

# %% [check]
from grader import notebook
notebook.check("dnegdot");

# %% [markdown]
# ### ddot: the gradient of dot, shape ()
#
# dot is computed as `dot = wx + w2`. It is read by:
#
#     negdot = -dot

# %% [stub]
def ddot(dot, dnegdot):
    """dL/ddot, of dot's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("ddot")

# %% [check]
from grader import notebook
notebook.check("ddot");

# %% [markdown]
# ### dwx: the gradient of wx, shape ()
#
# wx is computed as `wx = w0x0 + w1x1`. It is read by:
#
#     dot = wx + w2

# %% [stub]
def dwx(wx, ddot):
    """dL/dwx, of wx's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dwx")

# %% [check]
from grader import notebook
notebook.check("dwx");

# %% [markdown]
# ### dw2: the gradient of w2, shape ()
#
# w2 is an input (a parameter). It is read by:
#
#     dot = wx + w2

# %% [stub]
def dw2(w2, ddot):
    """dL/dw2, of w2's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw2")

# %% [check]
from grader import notebook
notebook.check("dw2");

# %% [markdown]
# ### dw0x0: the gradient of w0x0, shape ()
#
# w0x0 is computed as `w0x0 = w0 * x0`. It is read by:
#
#     wx = w0x0 + w1x1

# %% [stub]
def dw0x0(w0x0, dwx):
    """dL/dw0x0, of w0x0's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw0x0")

# %% [check]
from grader import notebook
notebook.check("dw0x0");

# %% [markdown]
# ### dw1x1: the gradient of w1x1, shape ()
#
# w1x1 is computed as `w1x1 = w1 * x1`. It is read by:
#
#     wx = w0x0 + w1x1

# %% [stub]
def dw1x1(w1x1, dwx):
    """dL/dw1x1, of w1x1's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw1x1")

# %% [check]
from grader import notebook
notebook.check("dw1x1");

# %% [markdown]
# ### dw0: the gradient of w0, shape ()
#
# w0 is an input (a parameter). It is read by:
#
#     w0x0 = w0 * x0

# %% [stub]
def dw0(w0, dw0x0):
    """dL/dw0, of w0's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw0")

# %% [check]
from grader import notebook
notebook.check("dw0");

# %% [markdown]
# ### dx0: the gradient of x0, shape ()
#
# x0 is an input (a parameter). It is read by:
#
#     w0x0 = w0 * x0

# %% [stub]
def dx0(x0, dw0x0):
    """dL/dx0, of x0's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dx0")

# %% [check]
from grader import notebook
notebook.check("dx0");

# %% [markdown]
# ### dw1: the gradient of w1, shape ()
#
# w1 is an input (a parameter). It is read by:
#
#     w1x1 = w1 * x1

# %% [stub]
def dw1(w1, dw1x1):
    """dL/dw1, of w1's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw1")

# %% [check]
from grader import notebook
notebook.check("dw1");

# %% [markdown]
# ### dx1: the gradient of x1, shape ()
#
# x1 is an input (a parameter). It is read by:
#
#     w1x1 = w1 * x1

# %% [stub]
def dx1(x1, dw1x1):
    """dL/dx1, of x1's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dx1")

# %% [check]
from grader import notebook
notebook.check("dx1");

# %% [markdown]
# ## Everything at once
#
# The check of every node, and the whole graph.

# %% [check]
from grader import notebook
notebook.check();
