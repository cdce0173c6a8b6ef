# dw0 multiplies by w0 instead of x0 (the mul gate swaps its inputs).
import numpy as np


def ddenom(denom, df):
    return -1.0 / denom ** 2 * df


def dexpneg(ddenom):
    return 1.0 * ddenom


def dnegdot(expneg, dexpneg):
    return expneg * dexpneg


def ddot(dnegdot):
    return -1.0 * dnegdot


def dwx(ddot):
    return ddot


def dw2(ddot):
    return ddot


def dw0x0(dwx):
    return dwx


def dw1x1(dwx):
    return dwx


def dw0(w0, dw0x0):
    return w0 * dw0x0


def dx0(w0, dw0x0):
    return w0 * dw0x0


def dw1(x1, dw1x1):
    return x1 * dw1x1


def dx1(w1, dw1x1):
    return w1 * dw1x1
