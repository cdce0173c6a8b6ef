"""sigmoid_backward computes s *= 1 - s on the cached s (second call differs) (mistake
cache_mutated; from tests/corpus/buggy/layers_sigmoid_backward_mutates_cache.py).
"""
import numpy as np


def sigmoid_backward(dout, cache):
    s = cache
    s *= 1 - s
    dx = dout * s
    return dx
