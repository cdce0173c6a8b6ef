"""The network half of an autograd engine exercise: one training step of the student's MLP, twice,
with zero_grad() between (grader.runner.autograd_programs.run_network), judged against the
reference's numbers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..runner.autograd_programs import BACKWARD, BUILD, DONE, NUMBER, PARAMETERS, ZERO_GRAD
from .judge import close

NIN, NOUTS, BATCH = 3, (4, 4, 1), 4


@dataclass(frozen=True)
class NetworkVerdict:
    mistake: str | None
    what: str
    hint: str | None = None


def layout(nin: int = NIN, nouts: tuple[int, ...] = NOUTS) -> list[str]:
    """What each parameter is, in the order the interpreter sets them: for each layer, for each
    neuron, its weights then its bias."""
    names, sizes = [], [nin, *nouts]
    for layer in range(len(nouts)):
        for neuron in range(nouts[layer]):
            names.extend([f"layer {layer + 1} weight"] * sizes[layer])
            names.append(f"layer {layer + 1} bias")
    return names


def _relu_margins_ok(weights: np.ndarray, x: np.ndarray) -> bool:
    """Every hidden unit's pre-activation on every example is away from 0 (ReLU's kink)."""
    at = 0
    sizes = [NIN, *NOUTS]
    for row in x:
        h, at = row, 0
        for layer, nout in enumerate(NOUTS):
            w = weights[at:at + nout * (sizes[layer] + 1)].reshape(nout, sizes[layer] + 1)
            at += w.size
            pre = w[:, :-1] @ h + w[:, -1]
            if layer < len(NOUTS) - 1:
                if np.min(np.abs(pre)) < 0.05:
                    return False
                h = np.maximum(pre, 0.0)
    return True


def network_spec(rng: np.random.Generator, class_name: str) -> dict:
    """MLP(3, [4, 4, 1]) with weights, biases and a batch of 4 examples drawn from `rng`."""
    count = len(layout())
    while True:
        weights = np.round(rng.uniform(-1, 1, size=count), 2)
        x = np.round(rng.uniform(-2, 2, size=(BATCH, NIN)), 1)
        if _relu_margins_ok(weights, x):
            break
    y = np.round(rng.uniform(-1, 1, size=BATCH), 1)
    return {"class": class_name, "nin": NIN, "nouts": list(NOUTS), "weights": weights, "x": x, "y": y}


def _array(value: dict, key: str, n: int, dtype) -> np.ndarray | None:
    array = value.get(key)
    if type(array) is not np.ndarray or array.dtype != dtype or array.shape != (n,):
        return None
    return array


def network_verdict(spec: dict, value, error: dict | None, expected: dict) -> NetworkVerdict | None:
    """None if the step is right; else what is wrong, first in the order things happen."""
    n = len(spec["weights"])
    if type(value) is not dict or type(value.get("stage")) is not int or type(value.get("listed")) is not int:
        return NetworkVerdict("unreadable_return", "the grader could not read your network's results")
    arrays = {key: _array(value, key, size, dtype) for key, size, dtype in (
        ("loss", 2, np.float64), ("loss_kind", 2, np.int8), ("grad", n, np.float64), ("grad_kind", n, np.int8),
        ("zeroed", n, np.float64), ("zeroed_kind", n, np.int8), ("again", n, np.float64),
        ("again_kind", n, np.int8), ("found", n, np.int8))}
    if any(a is None for a in arrays.values()):
        return NetworkVerdict("unreadable_return", "the grader could not read your network's results")
    stage, kind = value["stage"], (error or {}).get("type") or "an exception"
    call = f"MLP({spec['nin']}, {list(spec['nouts'])})"
    if stage != DONE and kind == "NotImplementedError":
        return NetworkVerdict("not_implemented", f"{call} raised NotImplementedError",
                              "Finish the TODOs of Neuron, Layer and MLP.")
    if stage == BUILD and not np.isfinite(arrays["loss"][0]):
        if kind == "AttributeError":
            return NetworkVerdict("micrograd_network_structure", f"building or calling {call} raised AttributeError",
                                  "Keep the structure of the stub: MLP.layers, Layer.neurons, Neuron.w (a list) "
                                  "and Neuron.b.")
        return NetworkVerdict("exception", f"building {call} or computing its loss raised {kind}")
    if arrays["loss_kind"][0] != NUMBER or not close(float(arrays["loss"][0]), float(expected["loss"][0])):
        return NetworkVerdict("micrograd_network_forward_wrong", f"the squared-error loss of {call} on a batch is "
                              f"{arrays['loss'][0]:.6g}; expected {float(expected['loss'][0]):.6g}",
                              "Each neuron computes relu(w . x + b), except the last layer's, which is linear; "
                              "a layer of one neuron returns that neuron's Value.")
    if stage == BACKWARD and not np.any(arrays["grad_kind"] == NUMBER):
        return NetworkVerdict("exception", f"loss.backward() raised {kind}")
    wrong = [i for i in range(n) if arrays["grad_kind"][i] != NUMBER
             or not close(float(arrays["grad"][i]), float(expected["grad"][i]))]
    if wrong:
        return NetworkVerdict("micrograd_network_backward_wrong",
                              f"after loss.backward(), {len(wrong)} of {n} parameters have wrong gradients "
                              f"(the first: a {layout()[wrong[0]]})")
    if stage in (PARAMETERS, ZERO_GRAD):
        return NetworkVerdict("exception", f"{'parameters()' if stage == PARAMETERS else 'zero_grad()'} raised {kind}")
    names = layout()
    missing = [names[i] for i in range(n) if not arrays["found"][i]]
    left = [names[i] for i in range(n) if arrays["zeroed_kind"][i] != NUMBER or arrays["zeroed"][i] != 0]
    if stage != DONE and not (missing or left):
        return NetworkVerdict("exception", f"the second training step raised {kind}")
    piled = [i for i in range(n) if arrays["again_kind"][i] != NUMBER
             or not close(float(arrays["again"][i]), float(expected["grad"][i]))]
    if missing or left or piled:
        what = (f"after zero_grad(), {len(left)} of {n} parameters still have a gradient ({_which(left)})"
                if left else f"a second training step gives {len(piled)} wrong gradients")
        if missing:
            what += f"; parameters() leaves out {len(missing)} of {n} ({_which(missing)})"
        return NetworkVerdict("micrograd_zero_grad_incomplete", what,
                              "zero_grad() must reset every parameter's grad to 0, and it finds them through "
                              "parameters(): each Neuron's weights and its bias, every neuron of every layer.")
    return None


def _which(names: list[str]) -> str:
    kinds = sorted(set(names))
    return ", ".join(kinds[:3]) + (", ..." if len(kinds) > 3 else "")
