"""masks a >= b and b >= a: dout counted twice at ties (mistake max_tie_double_counted; from
tests/corpus/buggy/gates_max_double_count_ties.py).
"""
import numpy as np


def max_backward(dout, cache):
    a, b = cache
    mask = a >= b
    da = unbroadcast(dout * mask, np.shape(a))
    db = unbroadcast(dout * (b >= a), np.shape(b))
    return da, db
