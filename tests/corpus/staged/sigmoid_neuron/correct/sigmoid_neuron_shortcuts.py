# Correct, with shortcuts: the sigmoid's own derivative f (1 - f) at dot, math on numpy scalars,
# and Python floats returned.
import math

import numpy as np


def ddenom(f, df):
    return float(-f * f * df)


def dexpneg(ddenom):
    return ddenom


def dnegdot(negdot, dexpneg):
    return math.exp(negdot) * dexpneg


def ddot(f, df, dnegdot):
    return f * (1 - f) * df          # the whole sigmoid at once: the same number


def dwx(ddot):
    return np.float64(ddot)


dw2 = dw0x0 = dw1x1 = None


def dw2(ddot):
    return ddot


def dw0x0(dwx):
    return dwx


def dw1x1(dwx):
    return dwx


def dw0(x0, dw0x0):
    return x0 * dw0x0


def dx0(w0, dw0x0):
    return w0 * dw0x0


def dw1(x1, dw1x1):
    return x1 * dw1x1


def dx1(w1, dw1x1):
    return w1 * dw1x1
