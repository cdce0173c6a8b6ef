"""No _backward closures: each node keeps its inputs with their local derivatives, and backward()
orders the graph with Kahn's algorithm (counting each node's uses); sub, div and neg are primitives
of their own; tanh written with exp; data kept as numpy float64."""
import math
import random

import numpy as np


def _wrap(x):
    return x if isinstance(x, Value) else Value(x)


class Value:
    def __init__(self, data, parents=(), local=()):
        self.data = np.float64(data)
        self.grad = 0.0
        self.parents = list(parents)       # the Values this one was computed from
        self.local = list(local)           # d self / d parent, one per parent

    def __add__(self, other):
        other = _wrap(other)
        return Value(self.data + other.data, [self, other], [1.0, 1.0])

    def __radd__(self, other):
        return _wrap(other) + self

    def __mul__(self, other):
        other = _wrap(other)
        return Value(self.data * other.data, [self, other], [other.data, self.data])

    def __rmul__(self, other):
        return _wrap(other) * self

    def __sub__(self, other):
        other = _wrap(other)
        return Value(self.data - other.data, [self, other], [1.0, -1.0])

    def __rsub__(self, other):
        return _wrap(other) - self

    def __neg__(self):
        return Value(-self.data, [self], [-1.0])

    def __truediv__(self, other):
        other = _wrap(other)
        return Value(self.data / other.data, [self, other], [1.0 / other.data, -self.data / other.data ** 2])

    def __rtruediv__(self, other):
        return _wrap(other) / self

    def __pow__(self, k):
        return Value(self.data ** k, [self], [k * self.data ** (k - 1)])

    def relu(self):
        return Value(max(self.data, 0.0), [self], [1.0 if self.data > 0 else 0.0])

    def exp(self):
        e = math.exp(self.data)
        return Value(e, [self], [e])

    def tanh(self):
        e2 = math.exp(2 * self.data)
        t = (e2 - 1) / (e2 + 1)
        return Value(t, [self], [1 - t * t])

    def backward(self):
        uses = {}
        stack, seen = [self], {id(self)}
        while stack:
            node = stack.pop()
            for parent in node.parents:
                uses[id(parent)] = uses.get(id(parent), 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            for parent, local in zip(node.parents, node.local):
                parent.grad += local * node.grad
                uses[id(parent)] -= 1
                if uses[id(parent)] == 0:
                    ready.append(parent)


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
        return act.relu() if self.nonlin else act

    def parameters(self):
        return [*self.w, self.b]


class Layer(Module):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        params = []
        for n in self.neurons:
            params.extend(n.parameters())
        return params


class MLP(Module):
    def __init__(self, nin, nouts):
        sizes = [nin] + list(nouts)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i < len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
