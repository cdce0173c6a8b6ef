"""relu_backward takes its mask from dout (mistake relu_mask_from_dout; from
tests/corpus/buggy/layers_relu_backward_mask_from_dout.py).
"""
import numpy as np


def relu_backward(dout, cache):
    x = cache
    dx = dout * (dout > 0)
    return dx
