import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, bh):
    N, H = prev_h.shape
    temp = x.dot(Wx) + prev_h.dot(Wh) + bh
    input_gate = sigmoid(temp[:, :H])
    forget_gate = sigmoid(temp[:, H:2 * H])
    output_gate = sigmoid(temp[:, 2 * H:3 * H])
    gate_gate = np.tanh(temp[:, 3 * H:])
    current_c = forget_gate * prev_c + input_gate * gate_gate
    current_h = output_gate * np.tanh(current_c)
    cache = (x, prev_h, prev_c, Wx, Wh, input_gate, forget_gate, output_gate, gate_gate, current_c)
    return current_h, current_c, cache


def lstm_step_backward(dcurrent_h, dcurrent_c, cache):
    x, prev_h, prev_c, Wx, Wh, input_gate, forget_gate, output_gate, gate_gate, current_c = cache
    Doutput_gate = dcurrent_h
    Dc = dcurrent_c + dcurrent_h * output_gate * (1 - np.tanh(current_c) ** 2)
    Dinput_gate = Dc * gate_gate
    Dforget_gate = Dc * prev_c
    Dgate_gate = Dc * input_gate
    Dtemp = np.hstack((Dinput_gate * input_gate * (1 - input_gate),
                       Dforget_gate * forget_gate * (1 - forget_gate),
                       Doutput_gate * output_gate * (1 - output_gate),
                       Dgate_gate * (1 - gate_gate ** 2)))
    return (Dtemp.dot(Wx.T), Dtemp.dot(Wh.T), Dc * forget_gate, x.T.dot(Dtemp), prev_h.T.dot(Dtemp),
            Dtemp.sum(axis=0))
