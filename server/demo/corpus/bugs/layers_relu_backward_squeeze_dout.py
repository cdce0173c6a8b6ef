"""np.squeeze(dout): with D == 1, (N,) * (N, 1) broadcasts to (N, N) (mistake dx_squeezed; from
tests/corpus/buggy/layers_relu_backward_squeeze_dout.py).
"""
import numpy as np


def relu_backward(dout, cache):
    x = cache
    dx = np.squeeze(dout) * (x > 0)
    return dx
