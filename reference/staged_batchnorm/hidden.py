"""The hidden half of the staged batchnorm: other sizes, and a known slip at the square root."""
import numpy as np

from grader.declare import GraphHidden, NodeMistake

HIDDEN = {"staged_batchnorm": GraphHidden(
    sizes={"N": 13, "D": 6},
    mistakes=(
        NodeMistake("var", "sqrt_half_missing",
                    "dvar is twice too large: the 1/2 of the square root's derivative is missing",
                    lambda v: 1.0 / np.sqrt(v["var"] + v["eps"]) * v["dsqrtvar"],
                    "d sqrt(x)/dx = 1 / (2 sqrt(x))."),
    ),
    mistake_ids={"sqrt_half_missing": "a square root's gradient misses the 1/2: 1 / sqrt(x) instead of 1 / (2 sqrt(x))"},
)}
