"""sigmoid_backward raises NameError (mistake name_error; from
tests/corpus/buggy/layers_sigmoid_backward_nameerror.py).
"""
import numpy as np


def sigmoid_backward(dout, cache):
    s = cache
    dx = dout * s * (1 - sigmoid)
    return dx
