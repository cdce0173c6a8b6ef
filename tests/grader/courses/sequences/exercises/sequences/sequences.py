"""Stubs of the sequence layers."""


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    raise NotImplementedError("lstm_step_forward")


def lstm_step_backward(dnext_h, dnext_c, cache):
    raise NotImplementedError("lstm_step_backward")


def word_embedding_forward(x, W):
    raise NotImplementedError("word_embedding_forward")


def word_embedding_backward(dout, cache):
    raise NotImplementedError("word_embedding_backward")
