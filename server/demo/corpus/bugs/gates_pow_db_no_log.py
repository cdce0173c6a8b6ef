"""db of a ** b misses the log(a) (mistake pow_missing_log; from
tests/corpus/buggy/gates_pow_db_no_log.py).
"""
import numpy as np


def pow_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b * a ** (b - 1), np.shape(a))
    db = unbroadcast(dout * a ** b, np.shape(b))
    return da, db
