# Source of rnn_layers.py and rnn_layers.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises rnn_layers`; never edit the generated files by hand.

# %% [markdown]
# # Assignment 3: recurrent layers
#
# The layers of CS231n's `cs231n/rnn_layers.py`, with the same signatures (your
# existing file grades unchanged): a vanilla RNN and an LSTM, one step and a
# whole sequence, the word embedding, the affine layer at every time step and
# the softmax loss over a masked sequence.
#
# Rules: float64 in and out; never modify an input, an upstream gradient or the
# cache in place (`dnext_c += ...` changes the caller's array; the grader calls
# each backward twice on one cache, so don't `pop()` from it either); NumPy only.

# %% [setup]
import numpy as np

# %% [markdown]
# ## One RNN step
#
#     next_h = tanh(a),  a = x @ Wx + prev_h @ Wh + b
#
# tanh's local gradient is 1 - tanh(a)**2 = 1 - next_h**2: use next_h itself
# (it is already tanh'd; 1 - tanh(next_h)**2 is a different number). Then the
# affine part: da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da summed over N.

# %% [stub]
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), b (H,). Returns (next_h, cache)."""
    # TODO
    raise NotImplementedError("rnn_step_forward")

# %% [check]
from grader import notebook
notebook.check("rnn_step_forward");

# %% [stub]
def rnn_step_backward(dnext_h, cache):
    """Returns (dx, dprev_h, dWx, dWh, db)."""
    # TODO
    raise NotImplementedError("rnn_step_backward")

# %% [check]
from grader import notebook
notebook.check("rnn_step_backward");

# %% [markdown]
# ## A whole sequence: backprop through time
#
# Unrolled, the sequence is a chain of the same step with the same weights:
#
#            x[:,0]        x[:,1]        x[:,2]
#              |             |             |
#     h0 --> [step] --h1--> [step] --h2--> [step] --h3
#              |             |             |
#            h[:,0]        h[:,1]        h[:,2]     (each read by the loss: dh[:, t])
#
# h1 is used twice: by the loss (dh[:, 0]) and by the next step. So walk back
# from the last step and give step t the upstream gradient
# `dh[:, t] + dprev_h`, where dprev_h is what step t + 1 returned (zeros for
# the last step). The weights are used by every step, so dWx, dWh and db add up
# over t; dh0 is the dprev_h the first step returns.

# %% [stub]
def rnn_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H). Returns (h (N, T, H), cache)."""
    # TODO: loop over t with rnn_step_forward.
    raise NotImplementedError("rnn_forward")

# %% [check]
from grader import notebook
notebook.check("rnn_forward");

# %% [stub]
def rnn_backward(dh, cache):
    """dh (N, T, H): the loss's gradient at every output. Returns (dx, dh0, dWx, dWh, db)."""
    # TODO: loop over t from T - 1 down to 0.
    raise NotImplementedError("rnn_backward")

# %% [check]
from grader import notebook
notebook.check("rnn_backward");

# %% [markdown]
# ## Word embedding
#
# out[n, t] = W[x[n, t]]: x holds word indices, W has one row per word of the
# vocabulary. Only W gets a gradient. A word that appears at several positions
# used its row several times, so its gradient is the SUM of those positions'
# dout: `np.add.at(dW, x, dout)`. `dW[x] = dout` (or `+=`, which NumPy buffers)
# keeps only one of them.

# %% [stub]
def word_embedding_forward(x, W):
    """x (N, T) integer indices, W (V, D). Returns (out (N, T, D), cache)."""
    # TODO
    raise NotImplementedError("word_embedding_forward")

# %% [check]
from grader import notebook
notebook.check("word_embedding_forward");

# %% [stub]
def word_embedding_backward(dout, cache):
    """Returns dW (V, D)."""
    # TODO
    raise NotImplementedError("word_embedding_backward")

# %% [check]
from grader import notebook
notebook.check("word_embedding_backward");

# %% [markdown]
# ## The affine layer at every step
#
# x (N, T, D) times w (D, M) plus b: one affine layer applied at every (n, t).
# w and b are shared by all N * T positions, so dw and db sum over both axes.

# %% [stub]
def temporal_affine_forward(x, w, b):
    """x (N, T, D), w (D, M), b (M,). Returns (out (N, T, M), cache)."""
    # TODO
    raise NotImplementedError("temporal_affine_forward")

# %% [check]
from grader import notebook
notebook.check("temporal_affine_forward");

# %% [stub]
def temporal_affine_backward(dout, cache):
    """Returns (dx, dw, db)."""
    # TODO
    raise NotImplementedError("temporal_affine_backward")

# %% [check]
from grader import notebook
notebook.check("temporal_affine_backward");

# %% [markdown]
# ## Softmax loss over a masked sequence
#
# Scores x (N, T, V), labels y (N, T), mask (N, T): the softmax loss at every
# step where mask is true (captions have different lengths; the padding after
# the end does not count), summed over the steps and divided by N.

# %% [stub]
def temporal_softmax_loss(x, y, mask, verbose=False):
    """Returns (loss, dx), dx (N, T, V)."""
    # TODO
    raise NotImplementedError("temporal_softmax_loss")

# %% [check]
from grader import notebook
notebook.check("temporal_softmax_loss");

# %% [markdown]
# ## One LSTM step
#
#     a = x @ Wx + prev_h @ Wh + b                 (N, 4H)
#     i, f, o = sigmoid of a's 1st, 2nd, 3rd block of H columns; g = tanh(4th)
#     next_c = f * prev_c + i * g
#     next_h = o * tanh(next_c)
#
# Backward: next_c reaches the loss directly (dnext_c) AND through next_h, so
# dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2); dprev_c = dc * f. Each
# gate's gradient is its upstream times its local gradient (sigmoid: s (1 - s);
# g is already tanh'd: 1 - g**2); stack the four into da (N, 4H) in the same
# order, then the affine part as in the RNN step.

# %% [stub]
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """x (N, D), prev_h and prev_c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,).
    Returns (next_h, next_c, cache)."""
    # TODO
    raise NotImplementedError("lstm_step_forward")

# %% [check]
from grader import notebook
notebook.check("lstm_step_forward");

# %% [stub]
def lstm_step_backward(dnext_h, dnext_c, cache):
    """Returns (dx, dprev_h, dprev_c, dWx, dWh, db)."""
    # TODO
    raise NotImplementedError("lstm_step_backward")

# %% [check]
from grader import notebook
notebook.check("lstm_step_backward");

# %% [markdown]
# ## The LSTM over a sequence
#
# As the RNN, with a cell state too: it starts at zeros, and in the backward
# both gradients flow from step t + 1 into step t (dprev_h added to dh[:, t],
# dprev_c passed as step t's dnext_c).

# %% [stub]
def lstm_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H). Returns (h (N, T, H), cache)."""
    # TODO
    raise NotImplementedError("lstm_forward")

# %% [check]
from grader import notebook
notebook.check("lstm_forward");

# %% [stub]
def lstm_backward(dh, cache):
    """Returns (dx, dh0, dWx, dWh, db)."""
    # TODO
    raise NotImplementedError("lstm_backward")

# %% [check]
from grader import notebook
notebook.check("lstm_backward");

# %% [markdown]
# ## Everything at once
#
# The public checks of every layer you have written, with the total score.

# %% [check]
from grader import notebook
notebook.check();
