"""Becoming a backprop ninja: the makemore MLP, one node at a time.

This is the exercise of Andrej Karpathy's "Building makemore part 4: Becoming a
Backprop Ninja", in NumPy. The forward pass of a two-layer MLP (an embedding,
a linear layer, batch normalization, tanh, a linear layer and the
cross-entropy loss) is written out step by step, every intermediate with a
name:

    n = Xb.shape[0]                                # the batch size
    emb = C[Xb]                                    # (n, block_size, n_embd)
    embcat = emb.reshape(emb.shape[0], -1)
    hprebn = embcat @ W1 + b1
    bnmeani = 1 / n * hprebn.sum(0, keepdims=True)
    bndiff = hprebn - bnmeani
    bndiff2 = bndiff ** 2
    bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)   # note: n-1
    bnvar_inv = (bnvar + 1e-5) ** -0.5
    bnraw = bndiff * bnvar_inv
    hpreact = bngain * bnraw + bnbias
    h = np.tanh(hpreact)
    logits = h @ W2 + b2
    logit_maxes = logits.max(1, keepdims=True)
    norm_logits = logits - logit_maxes
    counts = np.exp(norm_logits)
    counts_sum = counts.sum(1, keepdims=True)
    counts_sum_inv = counts_sum ** -1
    probs = counts * counts_sum_inv
    logprobs = np.log(probs)
    loss = -logprobs[range(n), Yb].mean()

Your job: the gradient of the loss with respect to every one of these names,
from dlogprobs back to dC, by hand.

How you hand it in: one function per node, named d<name>, that returns the
gradient. Its parameters are looked up **by name**: any value of the forward
(probs, bndiff, n, Xb, Yb, W1, ...) and any gradient computed before it
(dlogprobs, dprobs, ...; dloss is 1). So

    def dprobs(probs, dlogprobs):
        return dlogprobs / probs

is a whole answer. Each stub lists the node and the gradients flowing into it;
add the parameters you need. The nodes come in the order the backward pass
meets them: a node's gradient needs the gradients of every step that reads it,
and where a value is read by several steps, their contributions add up.

Rules:

* Return a float64 array of the node's own shape (it is in each heading).
* Use only your parameters and NumPy: no global of this notebook. The grader
  calls your functions again on fresh batches of other sizes.

How it is graded: node by node. Each of your functions is called with your own
upstream gradients, and its step is judged on its own: a node whose step is
right gets its point even when a gradient before it was wrong. The report
draws the graph and marks the first node whose step is wrong, with what is
wrong there. Run `grade check ninja.py`, or, in the notebook, the check cell
under each node.
"""

import numpy as np


def dlogprobs(logprobs, dloss):
    """dL/dlogprobs, of logprobs's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dlogprobs")


def dprobs(probs, dlogprobs):
    """dL/dprobs, of probs's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dprobs")


def dcounts_sum_inv(counts_sum_inv, dprobs):
    """dL/dcounts_sum_inv, of counts_sum_inv's shape (32, 1). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dcounts_sum_inv")


def dcounts_sum(counts_sum, dcounts_sum_inv):
    """dL/dcounts_sum, of counts_sum's shape (32, 1). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dcounts_sum")


def dcounts(counts, dcounts_sum, dprobs):
    """dL/dcounts, of counts's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dcounts")


def dnorm_logits(norm_logits, dcounts):
    """dL/dnorm_logits, of norm_logits's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dnorm_logits")


def dlogit_maxes(logit_maxes, dnorm_logits):
    """dL/dlogit_maxes, of logit_maxes's shape (32, 1). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dlogit_maxes")


def dlogits(logits, dlogit_maxes, dnorm_logits):
    """dL/dlogits, of logits's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dlogits")


def dh(h, dlogits):
    """dL/dh, of h's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dh")


def dW2(W2, dlogits):
    """dL/dW2, of W2's shape (64, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dW2")


def db2(b2, dlogits):
    """dL/db2, of b2's shape (27,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("db2")


def dhpreact(hpreact, dh):
    """dL/dhpreact, of hpreact's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dhpreact")


def dbngain(bngain, dhpreact):
    """dL/dbngain, of bngain's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbngain")


def dbnraw(bnraw, dhpreact):
    """dL/dbnraw, of bnraw's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnraw")


def dbnbias(bnbias, dhpreact):
    """dL/dbnbias, of bnbias's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnbias")


def dbnvar_inv(bnvar_inv, dbnraw):
    """dL/dbnvar_inv, of bnvar_inv's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnvar_inv")


def dbnvar(bnvar, dbnvar_inv):
    """dL/dbnvar, of bnvar's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnvar")


def dbndiff2(bndiff2, dbnvar):
    """dL/dbndiff2, of bndiff2's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbndiff2")


def dbndiff(bndiff, dbndiff2, dbnraw):
    """dL/dbndiff, of bndiff's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbndiff")


def dbnmeani(bnmeani, dbndiff):
    """dL/dbnmeani, of bnmeani's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnmeani")


def dhprebn(hprebn, dbnmeani, dbndiff):
    """dL/dhprebn, of hprebn's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dhprebn")


def dembcat(embcat, dhprebn):
    """dL/dembcat, of embcat's shape (32, 30). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dembcat")


def dW1(W1, dhprebn):
    """dL/dW1, of W1's shape (30, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dW1")


def db1(b1, dhprebn):
    """dL/db1, of b1's shape (64,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("db1")


def demb(emb, dembcat):
    """dL/demb, of emb's shape (32, 3, 10). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("demb")


def dC(C, demb):
    """dL/dC, of C's shape (27, 10). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dC")
