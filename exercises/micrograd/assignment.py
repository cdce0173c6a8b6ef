"""The micrograd assignment, declared: a scalar autograd engine (Value) and a small neural network
on it (Neuron, Layer, MLP), as in Karpathy's micrograd.

It is not a forward/backward pair but another kind of exercise (grader.micrograd.AutogradEngine):
generated expression programs run with the student's class in the sandboxed worker, which sends
back numbers only. What is hidden (how many random programs, the mutants of the reference that
diagnosis compares with) is in reference/micrograd/hidden.py.
"""
from __future__ import annotations

from grader.micrograd import AutogradEngine

EXERCISES = [AutogradEngine("micrograd", value_class="Value", network_class="MLP")]
