"""exp_backward takes exp of dout (mistake exp_of_dout; from
tests/corpus/buggy/gates_exp_backward_exp_dout.py).
"""
import numpy as np


def exp_backward(dout, cache):
    out = cache
    dx = np.exp(dout)
    return dx
