# Source of ninja.py and ninja.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises ninja`; never edit the generated files by hand.

# %% [markdown]
# # Becoming a backprop ninja: the makemore MLP, one node at a time
#
# This is the exercise of Andrej Karpathy's "Building makemore part 4: Becoming a
# Backprop Ninja", in NumPy. The forward pass of a two-layer MLP (an embedding,
# a linear layer, batch normalization, tanh, a linear layer and the
# cross-entropy loss) is written out step by step, every intermediate with a
# name:
#
#     n = Xb.shape[0]                                # the batch size
#     emb = C[Xb]                                    # (n, block_size, n_embd)
#     embcat = emb.reshape(emb.shape[0], -1)
#     hprebn = embcat @ W1 + b1
#     bnmeani = 1 / n * hprebn.sum(0, keepdims=True)
#     bndiff = hprebn - bnmeani
#     bndiff2 = bndiff ** 2
#     bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)   # note: n-1
#     bnvar_inv = (bnvar + 1e-5) ** -0.5
#     bnraw = bndiff * bnvar_inv
#     hpreact = bngain * bnraw + bnbias
#     h = np.tanh(hpreact)
#     logits = h @ W2 + b2
#     logit_maxes = logits.max(1, keepdims=True)
#     norm_logits = logits - logit_maxes
#     counts = np.exp(norm_logits)
#     counts_sum = counts.sum(1, keepdims=True)
#     counts_sum_inv = counts_sum ** -1
#     probs = counts * counts_sum_inv
#     logprobs = np.log(probs)
#     loss = -logprobs[range(n), Yb].mean()
#
# Your job: the gradient of the loss with respect to every one of these names,
# from dlogprobs back to dC, by hand.
#
# How you hand it in: one function per node, named d<name>, that returns the
# gradient. Its parameters are looked up **by name**: any value of the forward
# (probs, bndiff, n, Xb, Yb, W1, ...) and any gradient computed before it
# (dlogprobs, dprobs, ...; dloss is 1). So
#
#     def dprobs(probs, dlogprobs):
#         return dlogprobs / probs
#
# is a whole answer. Each stub lists the node and the gradients flowing into it;
# add the parameters you need. The nodes come in the order the backward pass
# meets them: a node's gradient needs the gradients of every step that reads it,
# and where a value is read by several steps, their contributions add up.
#
# Rules:
#
# * Return a float64 array of the node's own shape (it is in each heading).
# * Use only your parameters and NumPy: no global of this notebook. The grader
#   calls your functions again on fresh batches of other sizes.
#
# How it is graded: node by node. Each of your functions is called with your own
# upstream gradients, and its step is judged on its own: a node whose step is
# right gets its point even when a gradient before it was wrong. The report
# draws the graph and marks the first node whose step is wrong, with what is
# wrong there. Run `grade check ninja.py`, or, in the notebook, the check cell
# under each node.

# %% [markdown]
# ## Working in this notebook
#
# Write each node's function in its cell and run the cell; the check cell under
# it, `notebook.check("dprobs");`, grades the nodes you have run so far on the
# public batch and draws the graph. Nodes you have not written yet show as "not
# written yet", which is expected. The hidden checks, on fresh batches, run when
# you submit.

# %% [setup]
import numpy as np

# %% [markdown]
# ### dlogprobs: the gradient of logprobs, shape (32, 27)
#
# logprobs is computed as `logprobs = np.log(probs)`. It is read by:
#
#     loss = -logprobs[range(n), Yb].mean()

# %% [stub]
def dlogprobs(logprobs, dloss):
    """dL/dlogprobs, of logprobs's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dlogprobs")

# %% [check]
from grader import notebook
notebook.check("dlogprobs");

# %% [markdown]
# ### dprobs: the gradient of probs, shape (32, 27)
#
# probs is computed as `probs = counts * counts_sum_inv`. It is read by:
#
#     logprobs = np.log(probs)

# %% [stub]
def dprobs(probs, dlogprobs):
    """dL/dprobs, of probs's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dprobs")

# %% [check]
from grader import notebook
notebook.check("dprobs");

# %% [markdown]
# ### dcounts_sum_inv: the gradient of counts_sum_inv, shape (32, 1)
#
# counts_sum_inv is computed as `counts_sum_inv = counts_sum ** -1`. It is read by:
#
#     probs = counts * counts_sum_inv

# %% [stub]
def dcounts_sum_inv(counts_sum_inv, dprobs):
    """dL/dcounts_sum_inv, of counts_sum_inv's shape (32, 1). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dcounts_sum_inv")

# %% [check]
from grader import notebook
notebook.check("dcounts_sum_inv");

# %% [markdown]
# ### dcounts_sum: the gradient of counts_sum, shape (32, 1)
#
# counts_sum is computed as `counts_sum = counts.sum(1, keepdims=True)`. It is read by:
#
#     counts_sum_inv = counts_sum ** -1

# %% [stub]
def dcounts_sum(counts_sum, dcounts_sum_inv):
    """dL/dcounts_sum, of counts_sum's shape (32, 1). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dcounts_sum")

# %% [check]
from grader import notebook
notebook.check("dcounts_sum");

# %% [markdown]
# ### dcounts: the gradient of counts, shape (32, 27)
#
# counts is computed as `counts = np.exp(norm_logits)`. It is read by:
#
#     counts_sum = counts.sum(1, keepdims=True)
#     probs = counts * counts_sum_inv
#
# (counts is used twice: the gradients of both uses add up.)

# %% [stub]
def dcounts(counts, dcounts_sum, dprobs):
    """dL/dcounts, of counts's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dcounts")

# %% [check]
from grader import notebook
notebook.check("dcounts");

# %% [markdown]
# ### dnorm_logits: the gradient of norm_logits, shape (32, 27)
#
# norm_logits is computed as `norm_logits = logits - logit_maxes`. It is read by:
#
#     counts = np.exp(norm_logits)

# %% [stub]
def dnorm_logits(norm_logits, dcounts):
    """dL/dnorm_logits, of norm_logits's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dnorm_logits")

# %% [check]
from grader import notebook
notebook.check("dnorm_logits");

# %% [markdown]
# ### dlogit_maxes: the gradient of logit_maxes, shape (32, 1)
#
# logit_maxes is computed as `logit_maxes = logits.max(1, keepdims=True)`. It is read by:
#
#     norm_logits = logits - logit_maxes

# %% [stub]
def dlogit_maxes(logit_maxes, dnorm_logits):
    """dL/dlogit_maxes, of logit_maxes's shape (32, 1). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dlogit_maxes")

# %% [check]
from grader import notebook
notebook.check("dlogit_maxes");

# %% [markdown]
# ### dlogits: the gradient of logits, shape (32, 27)
#
# logits is computed as `logits = h @ W2 + b2`. It is read by:
#
#     logit_maxes = logits.max(1, keepdims=True)
#     norm_logits = logits - logit_maxes
#
# (logits is used twice: the gradients of both uses add up.)

# %% [stub]
def dlogits(logits, dlogit_maxes, dnorm_logits):
    """dL/dlogits, of logits's shape (32, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dlogits")

# %% [check]
from grader import notebook
notebook.check("dlogits");

# %% [markdown]
# ### dh: the gradient of h, shape (32, 64)
#
# h is computed as `h = np.tanh(hpreact)`. It is read by:
#
#     logits = h @ W2 + b2

# %% [stub]
def dh(h, dlogits):
    """dL/dh, of h's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dh")

# %% [check]
from grader import notebook
notebook.check("dh");

# %% [markdown]
# ### dW2: the gradient of W2, shape (64, 27)
#
# W2 is an input (a parameter). It is read by:
#
#     logits = h @ W2 + b2

# %% [stub]
def dW2(W2, dlogits):
    """dL/dW2, of W2's shape (64, 27). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dW2")

# %% [check]
from grader import notebook
notebook.check("dW2");

# %% [markdown]
# ### db2: the gradient of b2, shape (27,)
#
# b2 is an input (a parameter). It is read by:
#
#     logits = h @ W2 + b2

# %% [stub]
def db2(b2, dlogits):
    """dL/db2, of b2's shape (27,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("db2")

# %% [check]
from grader import notebook
notebook.check("db2");

# %% [markdown]
# ### dhpreact: the gradient of hpreact, shape (32, 64)
#
# hpreact is computed as `hpreact = bngain * bnraw + bnbias`. It is read by:
#
#     h = np.tanh(hpreact)

# %% [stub]
def dhpreact(hpreact, dh):
    """dL/dhpreact, of hpreact's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dhpreact")

# %% [check]
from grader import notebook
notebook.check("dhpreact");

# %% [markdown]
# ### dbngain: the gradient of bngain, shape (1, 64)
#
# bngain is an input (a parameter). It is read by:
#
#     hpreact = bngain * bnraw + bnbias

# %% [stub]
def dbngain(bngain, dhpreact):
    """dL/dbngain, of bngain's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbngain")

# %% [check]
from grader import notebook
notebook.check("dbngain");

# %% [markdown]
# ### dbnraw: the gradient of bnraw, shape (32, 64)
#
# bnraw is computed as `bnraw = bndiff * bnvar_inv`. It is read by:
#
#     hpreact = bngain * bnraw + bnbias

# %% [stub]
def dbnraw(bnraw, dhpreact):
    """dL/dbnraw, of bnraw's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnraw")

# %% [check]
from grader import notebook
notebook.check("dbnraw");

# %% [markdown]
# ### dbnbias: the gradient of bnbias, shape (1, 64)
#
# bnbias is an input (a parameter). It is read by:
#
#     hpreact = bngain * bnraw + bnbias

# %% [stub]
def dbnbias(bnbias, dhpreact):
    """dL/dbnbias, of bnbias's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnbias")

# %% [check]
from grader import notebook
notebook.check("dbnbias");

# %% [markdown]
# ### dbnvar_inv: the gradient of bnvar_inv, shape (1, 64)
#
# bnvar_inv is computed as `bnvar_inv = (bnvar + 1e-5) ** -0.5`. It is read by:
#
#     bnraw = bndiff * bnvar_inv

# %% [stub]
def dbnvar_inv(bnvar_inv, dbnraw):
    """dL/dbnvar_inv, of bnvar_inv's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnvar_inv")

# %% [check]
from grader import notebook
notebook.check("dbnvar_inv");

# %% [markdown]
# ### dbnvar: the gradient of bnvar, shape (1, 64)
#
# bnvar is computed as `bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)`. It is read by:
#
#     bnvar_inv = (bnvar + 1e-5) ** -0.5

# %% [stub]
def dbnvar(bnvar, dbnvar_inv):
    """dL/dbnvar, of bnvar's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnvar")

# %% [check]
from grader import notebook
notebook.check("dbnvar");

# %% [markdown]
# ### dbndiff2: the gradient of bndiff2, shape (32, 64)
#
# bndiff2 is computed as `bndiff2 = bndiff ** 2`. It is read by:
#
#     bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)

# %% [stub]
def dbndiff2(bndiff2, dbnvar):
    """dL/dbndiff2, of bndiff2's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbndiff2")

# %% [check]
from grader import notebook
notebook.check("dbndiff2");

# %% [markdown]
# ### dbndiff: the gradient of bndiff, shape (32, 64)
#
# bndiff is computed as `bndiff = hprebn - bnmeani`. It is read by:
#
#     bndiff2 = bndiff ** 2
#     bnraw = bndiff * bnvar_inv
#
# (bndiff is used twice: the gradients of both uses add up.)

# %% [stub]
def dbndiff(bndiff, dbndiff2, dbnraw):
    """dL/dbndiff, of bndiff's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbndiff")

# %% [check]
from grader import notebook
notebook.check("dbndiff");

# %% [markdown]
# ### dbnmeani: the gradient of bnmeani, shape (1, 64)
#
# bnmeani is computed as `bnmeani = 1 / n * hprebn.sum(0, keepdims=True)`. It is read by:
#
#     bndiff = hprebn - bnmeani

# %% [stub]
def dbnmeani(bnmeani, dbndiff):
    """dL/dbnmeani, of bnmeani's shape (1, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dbnmeani")

# %% [check]
from grader import notebook
notebook.check("dbnmeani");

# %% [markdown]
# ### dhprebn: the gradient of hprebn, shape (32, 64)
#
# hprebn is computed as `hprebn = embcat @ W1 + b1`. It is read by:
#
#     bnmeani = 1 / n * hprebn.sum(0, keepdims=True)
#     bndiff = hprebn - bnmeani
#
# (hprebn is used twice: the gradients of both uses add up.)

# %% [stub]
def dhprebn(hprebn, dbnmeani, dbndiff):
    """dL/dhprebn, of hprebn's shape (32, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dhprebn")

# %% [check]
from grader import notebook
notebook.check("dhprebn");

# %% [markdown]
# ### dembcat: the gradient of embcat, shape (32, 30)
#
# embcat is computed as `embcat = emb.reshape(emb.shape[0], -1)`. It is read by:
#
#     hprebn = embcat @ W1 + b1

# %% [stub]
def dembcat(embcat, dhprebn):
    """dL/dembcat, of embcat's shape (32, 30). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dembcat")

# %% [check]
from grader import notebook
notebook.check("dembcat");

# %% [markdown]
# ### dW1: the gradient of W1, shape (30, 64)
#
# W1 is an input (a parameter). It is read by:
#
#     hprebn = embcat @ W1 + b1

# %% [stub]
def dW1(W1, dhprebn):
    """dL/dW1, of W1's shape (30, 64). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dW1")

# %% [check]
from grader import notebook
notebook.check("dW1");

# %% [markdown]
# ### db1: the gradient of b1, shape (64,)
#
# b1 is an input (a parameter). It is read by:
#
#     hprebn = embcat @ W1 + b1

# %% [stub]
def db1(b1, dhprebn):
    """dL/db1, of b1's shape (64,). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("db1")

# %% [check]
from grader import notebook
notebook.check("db1");

# %% [markdown]
# ### demb: the gradient of emb, shape (32, 3, 10)
#
# emb is computed as `emb = C[Xb]`. It is read by:
#
#     embcat = emb.reshape(emb.shape[0], -1)

# %% [stub]
def demb(emb, dembcat):
    """dL/demb, of emb's shape (32, 3, 10). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("demb")

# %% [check]
from grader import notebook
notebook.check("demb");

# %% [markdown]
# ### dC: the gradient of C, shape (27, 10)
#
# C is an input (a parameter). It is read by:
#
#     emb = C[Xb]

# %% [stub]
def dC(C, demb):
    """dL/dC, of C's shape (27, 10). Add any value of the forward, or any gradient
    computed above, as a parameter by its name."""
    # TODO
    raise NotImplementedError("dC")

# %% [check]
from grader import notebook
notebook.check("dC");

# %% [markdown]
# ## Everything at once
#
# The check of every node, and the whole graph.

# %% [check]
from grader import notebook
notebook.check();
