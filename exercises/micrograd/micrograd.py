"""Assignment: a scalar autograd engine (micrograd).

You write `Value`, a number that remembers how it was computed, so that
`out.backward()` fills in `x.grad`, the derivative of `out` with respect to
every `x` it came from, as in Andrej Karpathy's micrograd. Then a small
neural network on it: `Neuron`, `Layer`, `MLP`. Plain Python: `math` and
`random` only.

The grader builds expressions with your class (random ones, and the shapes
where engines go wrong), runs `backward()` and compares every `.data` and
`.grad` with its own engine's. When yours goes wrong, it shows the smallest
expression it found that does, as Python you can paste and run.
"""

import math
import random


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


class Module:
    """What every part of the network can do: list its parameters, and zero their gradients."""

    def zero_grad(self):
        # TODO: every parameter's grad back to 0
        raise NotImplementedError("Module.zero_grad")

    def parameters(self):
        # TODO
        raise NotImplementedError("Module.parameters")


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
