"""relu_backward returns the local gradient, not times dout (mistake dx_ignores_dout; from
tests/corpus/buggy/layers_relu_backward_ignores_dout.py).
"""
import numpy as np


def relu_backward(dout, cache):
    x = cache
    dx = (x > 0).astype(float)
    return dx
