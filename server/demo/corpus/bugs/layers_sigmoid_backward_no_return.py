"""sigmoid_backward forgets `return` (mistake returned_none; from
tests/corpus/buggy/layers_sigmoid_backward_no_return.py).
"""
import numpy as np


def sigmoid_backward(dout, cache):
    s = cache
    dx = dout * s * (1 - s)
