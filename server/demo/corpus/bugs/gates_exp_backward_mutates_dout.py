"""exp_backward multiplies dout in place (mistake dout_mutated; from
tests/corpus/buggy/gates_exp_backward_mutates_dout.py).
"""
import numpy as np


def exp_backward(dout, cache):
    out = cache
    dout *= out
    dx = dout
    return dx
