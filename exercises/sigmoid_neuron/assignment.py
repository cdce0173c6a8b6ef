"""The sigmoid neuron of CS231n's backpropagation lecture, as a staged graph of gates:

    f = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2)))

Each gate (two products, two sums, a negation, exp, +1, 1/x) is a named step; the students write
the gradient at every gate, scalars as in the lecture, with a random upstream df.
"""
from __future__ import annotations

import numpy as np

from grader.declare import StagedGraph


def forward(w0, x0, w1, x1, w2):
    w0x0 = w0 * x0
    w1x1 = w1 * x1
    wx = w0x0 + w1x1
    dot = wx + w2
    negdot = -dot
    expneg = np.exp(negdot)
    denom = expneg + 1.0
    f = 1.0 / denom
    return locals()


def make_inputs(rng: np.random.Generator, sizes: dict) -> dict:
    """Scalars of either sign, as in the lecture's example (w = [2, -3, -3], x = [-1, -2])."""
    return {name: np.asarray(rng.uniform(-3.0, 3.0)) for name in ("w0", "x0", "w1", "x1", "w2")}


EXERCISES = [
    StagedGraph(
        name="sigmoid_neuron",
        forward=forward,
        make_inputs=make_inputs,
        params=("w0", "x0", "w1", "x1", "w2"),
        sizes={},
        title="The sigmoid neuron, gate by gate (CS231n)",
    ),
]
