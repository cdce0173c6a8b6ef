"""exp_backward ignores dout (mistake dx_ignores_dout; from
tests/corpus/buggy/gates_exp_backward_ignores_dout.py).
"""
import numpy as np


def exp_backward(dout, cache):
    out = cache
    dx = out
    return dx
