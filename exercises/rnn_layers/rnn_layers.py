"""Assignment 3: recurrent layers.

The layers of CS231n's `cs231n/rnn_layers.py`, with the same signatures (your
existing file grades unchanged): a vanilla RNN and an LSTM, one step and a
whole sequence, the word embedding, the affine layer at every time step and
the softmax loss over a masked sequence.

Rules: float64 in and out; never modify an input, an upstream gradient or the
cache in place (`dnext_c += ...` changes the caller's array; the grader calls
each backward twice on one cache, so don't `pop()` from it either); NumPy only.
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), b (H,). Returns (next_h, cache)."""
    # TODO
    raise NotImplementedError("rnn_step_forward")


def rnn_step_backward(dnext_h, cache):
    """Returns (dx, dprev_h, dWx, dWh, db)."""
    # TODO
    raise NotImplementedError("rnn_step_backward")


def rnn_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H). Returns (h (N, T, H), cache)."""
    # TODO: loop over t with rnn_step_forward.
    raise NotImplementedError("rnn_forward")


def rnn_backward(dh, cache):
    """dh (N, T, H): the loss's gradient at every output. Returns (dx, dh0, dWx, dWh, db)."""
    # TODO: loop over t from T - 1 down to 0.
    raise NotImplementedError("rnn_backward")


def word_embedding_forward(x, W):
    """x (N, T) integer indices, W (V, D). Returns (out (N, T, D), cache)."""
    # TODO
    raise NotImplementedError("word_embedding_forward")


def word_embedding_backward(dout, cache):
    """Returns dW (V, D)."""
    # TODO
    raise NotImplementedError("word_embedding_backward")


def temporal_affine_forward(x, w, b):
    """x (N, T, D), w (D, M), b (M,). Returns (out (N, T, M), cache)."""
    # TODO
    raise NotImplementedError("temporal_affine_forward")


def temporal_affine_backward(dout, cache):
    """Returns (dx, dw, db)."""
    # TODO
    raise NotImplementedError("temporal_affine_backward")


def temporal_softmax_loss(x, y, mask, verbose=False):
    """Returns (loss, dx), dx (N, T, V)."""
    # TODO
    raise NotImplementedError("temporal_softmax_loss")


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """x (N, D), prev_h and prev_c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,).
    Returns (next_h, next_c, cache)."""
    # TODO
    raise NotImplementedError("lstm_step_forward")


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Returns (dx, dprev_h, dprev_c, dWx, dWh, db)."""
    # TODO
    raise NotImplementedError("lstm_step_backward")


def lstm_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H). Returns (h (N, T, H), cache)."""
    # TODO
    raise NotImplementedError("lstm_forward")


def lstm_backward(dh, cache):
    """Returns (dx, dh0, dWx, dWh, db)."""
    # TODO
    raise NotImplementedError("lstm_backward")
