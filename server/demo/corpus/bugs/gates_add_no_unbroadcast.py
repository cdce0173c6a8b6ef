"""add_backward returns dout for both inputs (mistake da_not_summed; from
tests/corpus/buggy/gates_add_no_unbroadcast.py).
"""
import numpy as np


def add_backward(dout, cache):
    a_shape, b_shape = cache
    da = dout
    db = dout
    return da, db
