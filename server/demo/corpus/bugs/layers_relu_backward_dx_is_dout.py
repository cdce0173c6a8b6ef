"""dx = dout; dx[x <= 0] = 0 writes into dout (mistake dout_mutated; from
tests/corpus/buggy/layers_relu_backward_dx_is_dout.py).
"""
import numpy as np


def relu_backward(dout, cache):
    x = cache
    dx = dout
    dx[x <= 0] = 0
    return dx
