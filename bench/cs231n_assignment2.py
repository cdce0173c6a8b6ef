"""Issue 16's row: a full CS231n assignment-2 submission written with naive loops (the convolution's
seven nested loops included), graded warm with hidden checks, beside CS231n's own notebook gradient
checks run on the same code: time, and calls of the student's forward functions.

The submission is tests/corpus_cs231n/correct/layers2_loops.py (our own file in the style most
students write). CS231n's side is what the notebooks' gradient-check cells do
(BatchNormalization, Dropout, ConvolutionalNetworks .ipynb): one forward for the cache, the
backward, and `eval_numerical_gradient_array` (bench/cs231n_check.py: two forward calls per input
element) for every differentiable input, at the notebooks' own shapes and parameters. The notebook
checks the elementwise numerical gradient of batchnorm_backward, not of the _alt version (which it
only compares with batchnorm_backward); the same check is run on batchnorm_backward_alt here, the
function the assignment grades.

    python bench/cs231n_assignment2.py [--repeat 5]     # or: python bench/run.py --only cs231n
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from compare_grading import counting_calls, interleaved_medians  # noqa: E402
from cs231n_check import eval_numerical_gradient_array, load_module  # noqa: E402

SUBMISSION = ROOT / "tests/corpus_cs231n/correct/layers2_loops.py"


def _normal(rng, *shape, scale=1.0, shift=0.0):
    return scale * rng.standard_normal(shape) + shift


# The notebooks' gradient-check cells: (forward, backward, inputs(rng) -> (arrays by name, extras)).
# Arrays are the differentiable inputs in the forward's argument order; extras follow them.
NOTEBOOK_CHECKS = [
    ("batchnorm_forward", "batchnorm_backward_alt",      # BatchNormalization.ipynb, N, D = 4, 5
     lambda rng: ({"x": _normal(rng, 4, 5, scale=5, shift=12), "gamma": _normal(rng, 5), "beta": _normal(rng, 5)},
                  ({"mode": "train"},))),
    ("layernorm_forward", "layernorm_backward",          # BatchNormalization.ipynb, N, D = 4, 5
     lambda rng: ({"x": _normal(rng, 4, 5, scale=5, shift=12), "gamma": _normal(rng, 5), "beta": _normal(rng, 5)},
                  ({},))),
    ("dropout_forward", "dropout_backward",              # Dropout.ipynb, (10, 10), p = 0.2, seed 123
     lambda rng: ({"x": _normal(rng, 10, 10, shift=10)}, ({"mode": "train", "p": 0.2, "seed": 123},))),
    ("conv_forward_naive", "conv_backward_naive",        # ConvolutionalNetworks.ipynb
     lambda rng: ({"x": _normal(rng, 4, 3, 5, 5), "w": _normal(rng, 2, 3, 3, 3), "b": _normal(rng, 2)},
                  ({"stride": 1, "pad": 1},))),
    ("max_pool_forward_naive", "max_pool_backward_naive",
     lambda rng: ({"x": _normal(rng, 3, 2, 8, 8)}, ({"pool_height": 2, "pool_width": 2, "stride": 2},))),
    ("spatial_batchnorm_forward", "spatial_batchnorm_backward",
     lambda rng: ({"x": _normal(rng, 2, 3, 4, 5, scale=5, shift=12), "gamma": _normal(rng, 3),
                   "beta": _normal(rng, 3)}, ({"mode": "train"},))),
    ("spatial_groupnorm_forward", "spatial_groupnorm_backward",   # G = 2, gamma (1, C, 1, 1)
     lambda rng: ({"x": _normal(rng, 2, 6, 4, 5, scale=5, shift=12), "gamma": _normal(rng, 1, 6, 1, 1),
                   "beta": _normal(rng, 1, 6, 1, 1)}, (2, {}))),
]
FORWARDS = {forward for forward, _, _ in NOTEBOOK_CHECKS}


def notebook_checks(module) -> dict:
    """CS231n's gradient-check cells on `module`: forward calls made, and the worst rel_error."""
    from cs231n_check import rel_error
    rng = np.random.default_rng(231)
    calls, worst = 0, 0.0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for forward_name, backward_name, inputs in NOTEBOOK_CHECKS:
            forward, backward = getattr(module, forward_name), getattr(module, backward_name)
            arrays, extras = inputs(rng)
            out, cache = forward(*arrays.values(), *extras)
            calls += 1
            dout = rng.standard_normal(np.shape(out))
            analytic = backward(dout, cache)
            analytic = analytic if isinstance(analytic, tuple) else (analytic,)
            counter = [0]
            for (name, value), grad in zip(arrays.items(), analytic, strict=True):
                def f(changed, name=name):
                    return forward(*{**arrays, name: changed}.values(), *extras)[0]
                numeric = eval_numerical_gradient_array(f, value.copy(), dout, counter=counter)
                worst = max(worst, rel_error(grad, numeric))
            calls += counter[0]
    return {"calls": calls, "worst_rel_error": worst}


def measure(repeat: int) -> dict:
    """Ours (a warm, sandboxed grade with hidden checks) and theirs, interleaved; calls counted once."""
    from grader import grade
    module = load_module(SUBMISSION)
    theirs = notebook_checks(module)
    grade(SUBMISSION, assignment="layers2", seed=1)           # the zygote starts: warm from here on
    with counting_calls() as counts:
        report = grade(SUBMISSION, assignment="layers2", seed=1)
    assert report.score == report.max_score, "the naive submission did not get full marks"
    ours_calls = sum(n for function, n in counts["calls"].items() if function in FORWARDS)
    medians = interleaved_medians({"ours": lambda: grade(SUBMISSION, assignment="layers2", seed=1),
                                   "theirs": lambda: notebook_checks(module)}, repeat)
    return {"ours_seconds": medians["ours"], "theirs_seconds": medians["theirs"], "ours_forward_calls": ours_calls,
            "ours_calls": sum(counts["calls"].values()), "theirs_forward_calls": theirs["calls"],
            "theirs_worst_rel_error": theirs["worst_rel_error"], "checks": len(report.tests),
            "hidden_checks": sum(t.visibility == "hidden" for t in report.tests),
            "functions": len(report.functions())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    f = measure(parser.parse_args().repeat)
    time_ratio, call_ratio = f["ours_seconds"] / f["theirs_seconds"], f["ours_forward_calls"] / f["theirs_forward_calls"]
    print(f"{f['functions']} functions, {f['checks']} checks ({f['hidden_checks']} hidden); CS231n's worst "
          f"rel_error {f['theirs_worst_rel_error']:.1e}")
    print(f"time:          ours {f['ours_seconds'] * 1000:.0f} ms, CS231n's checks {f['theirs_seconds'] * 1000:.0f} ms, "
          f"ratio {time_ratio:.3f} (goal <= 0.1: {'met' if time_ratio <= 0.1 else 'NOT MET'})")
    print(f"forward calls: ours {f['ours_forward_calls']} (all calls {f['ours_calls']}), CS231n's checks "
          f"{f['theirs_forward_calls']}, ratio {call_ratio:.3f} (goal <= 0.1: {'met' if call_ratio <= 0.1 else 'NOT MET'})")


if __name__ == "__main__":
    main()
