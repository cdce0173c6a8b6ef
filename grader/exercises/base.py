"""What an exercise is: a forward/backward pair (or a loss with its gradient) and how to feed it.

The grader knows each student function by its name, its array inputs (the ones it differentiates),
its extra arguments (an axis, labels, bn_param) and how to draw inputs for a shape configuration.
Shape configurations are plain data (dicts), shared by public cases, hidden cases and the tests.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

# make_inputs(rng, config) -> (arrays, extras): arrays in argument order, extras after them.
InputMaker = Callable[[np.random.Generator, dict], tuple[dict[str, np.ndarray], tuple]]


@dataclass(frozen=True)
class Exercise:
    name: str                     # "affine"
    assignment: str               # "layers"
    forward: str                  # "affine_forward" (for a loss: "softmax_loss")
    backward: str | None          # "affine_backward"; None when the forward returns its gradient
    arrays: tuple[str, ...]       # differentiable inputs, in argument order
    make_inputs: InputMaker
    # Extra checks this exercise has beyond the common ones (by check name).
    extra_checks: frozenset[str] = field(default_factory=frozenset)
    # Edge-case kind: "broadcast" for binary gates, "shapes", "axes", "batch" for layers.
    edge_kind: str = "batch"
    # Inputs the forward broadcasts into its output (their gradients sum dout over those axes).
    broadcast: tuple[str, ...] = ()

    @property
    def is_loss(self) -> bool:
        return self.backward is None

    @property
    def functions(self) -> tuple[str, ...]:
        return (self.forward,) if self.backward is None else (self.forward, self.backward)

    def gradient_names(self) -> tuple[str, ...]:
        return tuple("d" + name for name in self.arrays)


_IMMUTABLE = (int, float, bool, str, type(None))


@dataclass
class Case:
    """One set of inputs for an exercise. `label` describes shapes only, never values."""
    exercise: Exercise
    config: dict
    arrays: dict[str, np.ndarray]
    extras: tuple
    dout: np.ndarray | None
    label: str
    batch_size: int | None

    def args(self, **replace: np.ndarray) -> tuple:
        """Forward arguments, with some arrays replaced (for perturbed calls); extras deep-copied
        (the reference's batchnorm writes its running statistics into bn_param), unless they are
        plain numbers and strings that nothing can change in place."""
        arrays = [replace.get(name, value) for name, value in self.arrays.items()]
        if all(type(extra) in _IMMUTABLE for extra in self.extras):
            return (*arrays, *self.extras)
        return (*arrays, *copy.deepcopy(self.extras))

    @property
    def broadcast_inputs(self) -> list[str]:
        """Inputs that were broadcast into a bigger output (their gradient must be summed)."""
        if self.dout is None:
            return []
        return [n for n in self.exercise.broadcast if self.arrays[n].shape != self.dout.shape]


def describe_shapes(arrays: dict[str, np.ndarray], extras_note: str = "") -> str:
    text = ", ".join(f"{name} {tuple(a.shape)}" for name, a in arrays.items())
    return f"{text}{extras_note}"
