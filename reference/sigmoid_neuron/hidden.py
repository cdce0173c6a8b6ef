"""The hidden half of the sigmoid neuron: fresh values at the same sizes (scalars), and the gate
mistakes of the lecture, declared at their nodes."""
import numpy as np

from grader.declare import GraphHidden, NodeMistake


def _swapped(node: str, own: str):
    other = {"w0": "dw0x0", "x0": "dw0x0", "w1": "dw1x1", "x1": "dw1x1"}[node]
    return NodeMistake(node, "gate_mul_swapped",
                       f"d{node} multiplies by {own} itself: a multiply gate sends each input the other input "
                       "times the upstream gradient",
                       lambda v: v[own] * v[other],
                       "For w * x, dw = x * dout and dx = w * dout.")


HIDDEN = {"sigmoid_neuron": GraphHidden(
    mistakes=(
        *(_swapped(node, node) for node in ("w0", "x0", "w1", "x1")),
        NodeMistake("negdot", "gate_exp_local_missing",
                    "dnegdot passes dexpneg through: exp's local gradient, exp(negdot), is missing",
                    lambda v: v["dexpneg"],
                    "d exp(x)/dx = exp(x): multiply dexpneg by expneg."),
    ),
    mistake_ids={
        "gate_mul_swapped": "a multiply gate's input gets its own value times the upstream gradient, not the other input's",
        "gate_exp_local_missing": "an exp gate passes the upstream gradient through without exp's local gradient",
    },
)}
