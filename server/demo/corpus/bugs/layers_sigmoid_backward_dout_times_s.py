"""sigmoid derivative taken as s (mistake sigmoid_derivative_s; from
tests/corpus/buggy/layers_sigmoid_backward_dout_times_s.py).
"""
import numpy as np


def sigmoid_backward(dout, cache):
    s = cache
    dx = dout * s
    return dx
