# Source of svm.py and svm.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises svm`; never edit the generated files by hand.

# %% [markdown]
# # Assignment 1: the multiclass SVM loss
#
# `svm_loss(x, y)` as in CS231n's `cs231n/layers.py`: a loss is the end of the
# graph, so it returns the loss and its gradient dx in one call. Float64 in
# and out; NumPy only; loops are fine.

# %% [setup]
import numpy as np

# %% [markdown]
# ## The multiclass SVM loss
#
# For example i with correct class y[i], each wrong class j has the margin
# x[i, j] - x[i, y[i]] + 1, and the loss is the sum of max(0, margin) over the
# wrong classes, averaged over the N examples (the correct class is left out:
# its own margin would always be 1). Backward: a positive margin adds 1 / N to
# dx[i, j], and -1 / N to dx[i, y[i]], which appears in every one of them.

# %% [stub]
def svm_loss(x, y):
    """Inputs: x (N, C) class scores; y (N,) labels in 0 .. C - 1. Returns (loss, dx)."""
    # TODO
    raise NotImplementedError("svm_loss")

# %% [check]
from grader import notebook
notebook.check("svm_loss");

# %% [markdown]
# ## Everything at once

# %% [check]
from grader import notebook
notebook.check();
