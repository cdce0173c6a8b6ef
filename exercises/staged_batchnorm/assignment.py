"""Batch normalization's forward in Frederik Kratzert's nine steps ("Understanding the backward
pass through Batch Normalization Layer"), as a staged graph: the students backpropagate through
each step, from dout (random) back to dx, dgamma and dbeta.
"""
from __future__ import annotations

import numpy as np

from grader.declare import StagedGraph


def forward(x, gamma, beta, eps):
    N, D = x.shape
    mu = 1.0 / N * np.sum(x, axis=0)            # step 1: the mean of each feature
    xmu = x - mu                                # step 2: subtract it
    sq = xmu ** 2                               # step 3
    var = 1.0 / N * np.sum(sq, axis=0)          # step 4: the variance (1/N)
    sqrtvar = np.sqrt(var + eps)                # step 5
    ivar = 1.0 / sqrtvar                        # step 6
    xhat = xmu * ivar                           # step 7: normalized
    gammax = gamma * xhat                       # step 8
    out = gammax + beta                         # step 9
    return locals()


def make_inputs(rng: np.random.Generator, sizes: dict) -> dict:
    n, d = sizes["N"], sizes["D"]
    return {"x": rng.normal(size=(n, d)) * 2.0 + 1.0, "gamma": rng.normal(size=d), "beta": rng.normal(size=d),
            "eps": 1e-5}


EXERCISES = [
    StagedGraph(
        name="staged_batchnorm",
        forward=forward,
        make_inputs=make_inputs,
        params=("x", "gamma", "beta"),
        sizes={"N": 8, "D": 5},
        title="Batch normalization in nine steps (Kratzert)",
    ),
]
