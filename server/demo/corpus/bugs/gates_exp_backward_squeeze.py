"""np.squeeze collapses size-1 axes of dx (mistake dx_squeezed; from
tests/corpus/buggy/gates_exp_backward_squeeze.py).
"""
import numpy as np


def exp_backward(dout, cache):
    out = cache
    dx = np.squeeze(dout * out)
    return dx
