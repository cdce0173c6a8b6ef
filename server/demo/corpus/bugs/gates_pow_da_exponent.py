"""da = b * a ** b (exponent not lowered) (mistake pow_exponent; from
tests/corpus/buggy/gates_pow_da_exponent.py).
"""
import numpy as np


def pow_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b * a ** b, np.shape(a))
    db = unbroadcast(dout * a ** b * np.log(a), np.shape(b))
    return da, db
