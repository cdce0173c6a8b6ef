"""relu_backward zeroes dout in place and returns it (mistake dout_mutated; from
tests/corpus/buggy/layers_relu_backward_mutates_dout.py).
"""
import numpy as np


def relu_backward(dout, cache):
    x = cache
    dout[x <= 0] = 0
    dx = dout
    return dx
