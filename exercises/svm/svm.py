"""Assignment 1: the multiclass SVM loss.

`svm_loss(x, y)` as in CS231n's `cs231n/layers.py`: a loss is the end of the
graph, so it returns the loss and its gradient dx in one call. Float64 in
and out; NumPy only; loops are fine.
"""

import numpy as np


def svm_loss(x, y):
    """Inputs: x (N, C) class scores; y (N,) labels in 0 .. C - 1. Returns (loss, dx)."""
    # TODO
    raise NotImplementedError("svm_loss")
