"""The sigmoid neuron, gate by gate.

The neuron of CS231n's lecture on backpropagation,
f = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2))), drawn as a circuit of gates, each
with a name:

    w0x0 = w0 * x0
    w1x1 = w1 * x1
    wx = w0x0 + w1x1
    dot = wx + w2
    negdot = -dot
    expneg = np.exp(negdot)
    denom = expneg + 1.0
    f = 1.0 / denom

The values are scalars (0-d arrays), as in the lecture. The upstream
gradient df is given (a random number, not 1: the chain rule must multiply by
it). Your job: the gradient at every gate, from ddenom back to dw0, dx0, dw1,
dx1 and dw2.

How you hand it in: one function per node, named d<name>, returning the
gradient. Its parameters are looked up **by name**: any value of the forward
(w0, x0, dot, expneg, f, ...) and any gradient computed before it (df,
ddenom, ...). So

    def ddenom(denom, df):
        return -1.0 / denom ** 2 * df

is a whole answer. Each gradient is the gate's local gradient times the
upstream gradient: add gates pass it on, mul gates swap their inputs, and so on.

Rules: return a number or a 0-d float64 array; use only your parameters and
NumPy (the grader calls your functions again on fresh values).

How it is graded: gate by gate. Each function is called with your own upstream
gradients, and its gate is judged on its own: a gate that is right gets its
point even when a gradient before it was wrong. The report draws the circuit
and marks the first gate that is wrong. Run `grade check sigmoid_neuron.py`,
or, in the notebook, the check cell under each gate.
"""

import numpy as np


def ddenom(denom, df):
    """dL/ddenom, of denom's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("ddenom")


def dexpneg(expneg, ddenom):
    """dL/dexpneg, of expneg's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dexpneg")


def dnegdot(negdot, dexpneg):
    """dL/dnegdot, of negdot's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dnegdot")


def ddot(dot, dnegdot):
    """dL/ddot, of dot's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("ddot")


def dwx(wx, ddot):
    """dL/dwx, of wx's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dwx")


def dw2(w2, ddot):
    """dL/dw2, of w2's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw2")


def dw0x0(w0x0, dwx):
    """dL/dw0x0, of w0x0's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw0x0")


def dw1x1(w1x1, dwx):
    """dL/dw1x1, of w1x1's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw1x1")


def dw0(w0, dw0x0):
    """dL/dw0, of w0's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw0")


def dx0(x0, dw0x0):
    """dL/dx0, of x0's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dx0")


def dw1(w1, dw1x1):
    """dL/dw1, of w1's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dw1")


def dx1(x1, dw1x1):
    """dL/dx1, of x1's shape (). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dx1")
