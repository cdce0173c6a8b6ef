"""The Backprop-Ninja assignment, declared: Karpathy's makemore MLP (part 4, "Becoming a Backprop
Ninja") in numpy, as a staged graph. The forward below is the whole declaration: the grader traces
it, so every local rule and branch comes from it (docs/staged-graphs.md). The students write the
gradient of every named step, one function per node (ninja.py / ninja.ipynb).

Same intermediates and shapes as the notebook: a batch of n contexts of block_size characters,
embedded in n_embd dimensions, a hidden layer of n_hidden units with batchnorm (its variance with
Bessel's correction, 1/(n-1), as the notebook has it) and tanh, and a cross-entropy loss over
vocab_size characters written out step by step.
"""
from __future__ import annotations

import numpy as np

from grader.declare import StagedGraph


def forward(Xb, Yb, C, W1, b1, bngain, bnbias, W2, b2):
    n = Xb.shape[0]
    emb = C[Xb]                                   # (n, block_size, n_embd)
    embcat = emb.reshape(emb.shape[0], -1)        # (n, block_size * n_embd)
    hprebn = embcat @ W1 + b1                     # (n, n_hidden)
    bnmeani = 1 / n * hprebn.sum(0, keepdims=True)
    bndiff = hprebn - bnmeani
    bndiff2 = bndiff ** 2
    bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)     # Bessel's correction: n-1
    bnvar_inv = (bnvar + 1e-5) ** -0.5
    bnraw = bndiff * bnvar_inv
    hpreact = bngain * bnraw + bnbias
    h = np.tanh(hpreact)
    logits = h @ W2 + b2                          # (n, vocab_size)
    logit_maxes = logits.max(1, keepdims=True)
    norm_logits = logits - logit_maxes            # subtract the max for numerical stability
    counts = np.exp(norm_logits)
    counts_sum = counts.sum(1, keepdims=True)
    counts_sum_inv = counts_sum ** -1
    probs = counts * counts_sum_inv
    logprobs = np.log(probs)
    loss = -logprobs[range(n), Yb].mean()
    return locals()


def make_inputs(rng: np.random.Generator, sizes: dict) -> dict:
    """A batch and the parameters, initialised as in the notebook (small enough that tanh does not
    saturate, so every gradient is informative)."""
    n, block, embd, hidden, vocab = (sizes[k] for k in ("n", "block_size", "n_embd", "n_hidden", "vocab_size"))
    fan_in = embd * block
    return {
        "Xb": rng.integers(0, vocab, size=(n, block)),
        "Yb": rng.integers(0, vocab, size=n),
        "C": rng.normal(size=(vocab, embd)),
        "W1": rng.normal(size=(fan_in, hidden)) * (5 / 3) / fan_in ** 0.5,
        "b1": rng.normal(size=hidden) * 0.1,
        "bngain": rng.normal(size=(1, hidden)) * 0.1 + 1.0,
        "bnbias": rng.normal(size=(1, hidden)) * 0.1,
        "W2": rng.normal(size=(hidden, vocab)) * 0.1,
        "b2": rng.normal(size=vocab) * 0.1,
    }


EXERCISES = [
    StagedGraph(
        name="ninja",
        forward=forward,
        make_inputs=make_inputs,
        params=("C", "W1", "b1", "bngain", "bnbias", "W2", "b2"),
        given=1.0,                                # dloss/dloss
        sizes={"n": 32, "block_size": 3, "n_embd": 10, "n_hidden": 64, "vocab_size": 27},
        title="Becoming a backprop ninja: the makemore MLP, step by step",
    ),
]
