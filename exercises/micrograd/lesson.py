# Source of micrograd.py and micrograd.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises micrograd`; never edit the generated files by hand.

# %% [markdown]
# # Assignment: a scalar autograd engine (micrograd)
#
# You write `Value`, a number that remembers how it was computed, so that
# `out.backward()` fills in `x.grad`, the derivative of `out` with respect to
# every `x` it came from, as in Andrej Karpathy's micrograd. Then a small
# neural network on it: `Neuron`, `Layer`, `MLP`. Plain Python: `math` and
# `random` only.
#
# The grader builds expressions with your class (random ones, and the shapes
# where engines go wrong), runs `backward()` and compares every `.data` and
# `.grad` with its own engine's. When yours goes wrong, it shows the smallest
# expression it found that does, as Python you can paste and run.

# %% [setup]
import math
import random

# %% [markdown]
# ## Value
#
# Each operation makes a new `Value` whose `data` is computed from its inputs'
# data, and gives it a `_backward` function that adds the operation's local
# derivative, times `out.grad`, into each input's `grad` (a value used twice
# receives a gradient from each use: add, never assign).
#
# - `+`, `*` with another Value or a plain number on either side (`a * 2` and
#   `2 * a`: Python asks `int.__mul__` first, then your `__rmul__`);
# - `a ** k` for an int or float `k`; `relu()`, `tanh()`, `exp()`;
# - `-a`, `a - b`, `a / b` and their reflected forms, written with the ones above
#   (`a / b` is `a * b ** -1`).
#
# `backward()` sets the output's grad to 1, then calls every node's
# `_backward` once, in reverse topological order: a node passes its gradient on
# only after every use of it has added its share. It must work on a chain of
# thousands of operations, deeper than Python's recursion limit (1000): build
# the order without recursion. Keep `data` and `grad` plain numbers.

# %% [stub]
class Value:
    """A scalar with its gradient: data, grad (d output / d self, filled in by backward()),
    _backward (passes out.grad on to the inputs) and _prev (the Values it was computed from)."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __add__(self, other):
        # TODO: self + other (other a Value or a number)
        raise NotImplementedError("Value.__add__")

    def __mul__(self, other):
        # TODO: self * other
        raise NotImplementedError("Value.__mul__")

    def __pow__(self, k):
        # TODO: self ** k for an int or float k
        raise NotImplementedError("Value.__pow__")

    def relu(self):
        # TODO
        raise NotImplementedError("Value.relu")

    def tanh(self):
        # TODO
        raise NotImplementedError("Value.tanh")

    def exp(self):
        # TODO
        raise NotImplementedError("Value.exp")

    def backward(self):
        # TODO: seed self.grad, then each node's _backward in reverse topological order
        raise NotImplementedError("Value.backward")

    def __neg__(self):
        # TODO: -self
        raise NotImplementedError("Value.__neg__")

    def __radd__(self, other):
        # TODO: other + self
        raise NotImplementedError("Value.__radd__")

    def __sub__(self, other):
        # TODO: self - other
        raise NotImplementedError("Value.__sub__")

    def __rsub__(self, other):
        # TODO: other - self
        raise NotImplementedError("Value.__rsub__")

    def __rmul__(self, other):
        # TODO: other * self
        raise NotImplementedError("Value.__rmul__")

    def __truediv__(self, other):
        # TODO: self / other
        raise NotImplementedError("Value.__truediv__")

    def __rtruediv__(self, other):
        # TODO: other / self
        raise NotImplementedError("Value.__rtruediv__")

# %% [check]
from grader import notebook
notebook.check("Value");

# %% [markdown]
# ## A neural network
#
# A `Neuron(nin)` holds `nin` weights in the list `.w` and a bias `.b` (Values),
# and computes `relu(w . x + b)`, or `w . x + b` when `nonlin=False`. A `Layer`
# holds its neurons in `.neurons` and returns their outputs (the Value itself
# when it has one neuron); an `MLP(nin, nouts)` holds its layers in `.layers`,
# the last one linear. `parameters()` lists every weight and bias;
# `zero_grad()` sets the grad of every parameter to 0 between training steps
# (gradients add up, so without it a step would use the previous step's too).
# The grader sets the weights through `.layers`, `.neurons`, `.w` and `.b`:
# keep those names.

# %% [stub]
class Module:
    """What every part of the network can do: list its parameters, and zero their gradients."""

    def zero_grad(self):
        # TODO: every parameter's grad back to 0
        raise NotImplementedError("Module.zero_grad")

    def parameters(self):
        # TODO
        raise NotImplementedError("Module.parameters")

# %% [stub]
class Neuron(Module):
    """nin weights (.w) and a bias (.b); relu(w . x + b), or linear when nonlin is False."""

    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        # TODO
        raise NotImplementedError("Neuron.__call__")

    def parameters(self):
        # TODO
        raise NotImplementedError("Neuron.parameters")

# %% [stub]
class Layer(Module):
    """nout neurons (.neurons) reading the same nin inputs."""

    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        # TODO: the neurons' outputs (the Value itself for one neuron)
        raise NotImplementedError("Layer.__call__")

    def parameters(self):
        # TODO
        raise NotImplementedError("Layer.parameters")

# %% [stub]
class MLP(Module):
    """Layers of sizes nouts on nin inputs (.layers), relu between them, the last one linear."""

    def __init__(self, nin, nouts):
        sizes = [nin] + list(nouts)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        # TODO
        raise NotImplementedError("MLP.__call__")

    def parameters(self):
        # TODO
        raise NotImplementedError("MLP.parameters")

# %% [check]
from grader import notebook
notebook.check("MLP");

# %% [markdown]
# ## Everything at once

# %% [check]
from grader import notebook
notebook.check();
