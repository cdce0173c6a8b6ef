"""The catalogue of mistake ids: the stable names a failed test carries beside its hint.

The dashboard counts these ids (GROUP BY mistake), so an id never changes meaning once published:
add new ids, never rename or reuse one. tests/grader/mistake_ids.golden holds every published id
with its meaning, and a test fails if one of them disappears or changes.

Three kinds of ids:
- VALUE_KINDS are mistakes any result can have; their id is "<value>_<kind>", where <value> is the
  result's name (out, loss, dx, dw, db, da, dgamma, dbeta, dWx, ...): `db_wrong_axis`, `dx_sign`.
  Which gradient is wrong matters to an instructor (dw transposed and dx transposed are different).
- NAMED are the generic checks' own: `dout_mutated`, `not_implemented`.
- An exercise's own ids (`missing_mean_path`, `relu_kink_out_of_range`) are described in its
  declaration (grader.exercises.base: Exercise.mistake_ids, Hidden.mistake_ids); `catalogue`
  gathers them all.
"""
from __future__ import annotations

VALUE_KINDS = {
    # values of the right shape
    "sign": "{v} has the wrong sign (it is minus the right answer)",
    "not_averaged": "{v} is N times too large: the average over the batch is missing (divide by N)",
    "averaged_twice": "{v} is N times too small: divided by N once too often",
    "scaled": "{v} is a constant multiple of the right answer (a wrong constant factor)",
    "transposed": "{v} holds the transposed matrix (square shapes, or transposed then reshaped)",
    "ignores_dout": "{v} is the local gradient alone: not multiplied by the upstream gradient dout",
    "zero": "{v} is all zeros",
    "not_finite": "{v} contains NaN or inf on ordinary inputs",
    "mean_not_sum": "{v} of a broadcast input averages dout over the broadcast axes instead of summing",
    "at_output": "{v} uses the local gradient evaluated at the output instead of the input (exp(out) for exp(x), the cache taken for the input)",
    "inputs_swapped": "{v} is the right formula with two inputs swapped (a * b ** (a - 1) for b * a ** (b - 1))",
    "input_for_other": "{v} is right with one input in place of another of the same shape (beta for gamma: a cache unpacked in another order)",
    "first_row_only": "{v} uses a local gradient computed from the first example only, for every row (a mask from x[0])",
    "missing_input_factor": "{v} lacks a factor equal to another input (gamma left out of dx, or of out)",
    "missing_input_term": "{v} lacks a term equal to one of the inputs (a bias or beta left out)",
    "missing_output_factor": "{v} lacks a factor equal to the forward's output (log(a) for a ** b * log(a))",
    "untransposed_factor": "{v} multiplies by a square matrix input where its transpose belongs, or the reverse",
    # the reference with one change re-run on the case (grader.diagnosis.one_change); the hint says which
    "factor_off": "{v} is the right computation with one factor changed in one step: left out, dividing where it multiplies (or the reverse), or a power left out",
    "term_off": "{v} is the right computation with one term changed: left out (a path of the chain rule missing), its sign flipped, = written for +=, or a step left out",
    "axis_off": "{v} is the right computation with one reduction over another axis (or over every axis), or with keepdims changed",
    "transpose_off": "{v} is the right computation with a transpose added or left out in one step, or a matrix product's factors swapped",
    "variable_off": "{v} is the right computation with one variable used in place of another in one step (x for x_hat, the output for the input)",
    "constant_off": "{v} is the right computation with one number changed (1 for 2, x.shape[1] for x.shape[0])",
    "term_without_dout": "{v} has a term that does not involve dout: it is not 0 when dout is 0 (a constant where a sum of dout belongs); proven by running the backward at dout = 0",
    "dout_twice": "{v} multiplies the upstream gradient in twice: it grows as dout squared; proven by running the backward at 2 * dout",
    "dtype_off": "{v} is the right computation with a wider number type in one place: a small integer array (np.int8, np.uint8) wraps around past its range",
    "operation_off": "{v} is the right computation with one operation changed: another function (mean for sum, min for max), another comparison (>= for >), or a call left out (reversed, sqrt)",
    "slightly_off": "{v} is close to right but not equal (relative error below 1e-3): a special case or a parameter handled differently",
    # shapes
    "wrong_shape": "{v} has the wrong shape, with no more specific cause known",
    "one_slice": "{v} of a broadcast input is one slice of dout (dout[0]) instead of its sum over the broadcast axes",
    "not_summed": "{v} of a broadcast input has dout's shape: not summed over the broadcast axes",
    "wrong_axis": "{v} is summed over the wrong axis (e.g. db = dout.sum(axis=1))",
    "keepdims": "{v} differs only by a kept size-1 axis ((1, D) for (D,)): keepdims=True where it should not be",
    "squeezed": "{v} differs only by a dropped size-1 axis ((D,) for (1, D), () for (1,)): squeeze or a missing keepdims",
    "shape_of_other_input": "{v} has the shape of another input than its own (a line written for that input, copied)",
    "not_flattened": "{v} was computed from an input of more than two axes left unflattened (x.T @ dout for x of shape (N, d1, d2)): flatten it to (N, D) first",
    "not_reshaped": "{v} has the right number of entries in the wrong shape: reshape it back",
    "shape_transposed": "{v} has the transposed shape: the matrix product is in the wrong order",
    "axes_permuted": "{v} has the right sizes in another order beyond a matrix's transpose ((N, H, C, W) for (N, C, H, W)): a transpose or a reshape moved its axes",
}

NAMED = {
    # the function could not run or returned something unusable
    "not_defined": "the function is not defined in the submission",
    "not_implemented": "the function still raises NotImplementedError (the stub's TODO)",
    "timeout": "the function took longer than its time limit",
    "crashed": "the student's code ended the worker process (exit(), os._exit, a fatal signal)",
    "exception": "the function raised an exception not further classified",
    "shape_error": "the function raised because the shapes of a product or sum do not line up",
    "name_error": "the function uses a name that is not defined (a typo, or a variable of another function)",
    "numpy_removed_alias": "a name NumPy removed: np.int / np.float / np.bool (NumPy 1.24), np.product / np.alltrue / np.NaN and the like (NumPy 2.0)",
    "numpy_name_misspelt": "the function calls a numpy name that does not exist, close to one that does (np.suma for np.sum)",
    "numpy_removed_api": "a NumPy function or keyword newer NumPy removed (np.lib.pad, np.reshape(newshape=...), "
                         "np.unravel_index(dims=...))",
    "rand_given_shape_tuple": "np.random.rand or randn given a shape tuple (np.random.rand(x.shape)): they take the "
                              "sizes as separate numbers, np.random.rand(*x.shape)",
    "axis_not_tuple": "an axis given as a range or a list (np.sum(axis=range(k))): NumPy takes an int or a tuple of ints",
    "index_not_tuple_or_int": "an index NumPy refuses: a list of slices or None where a tuple is needed (x[[slice(None), None]]), or a float",
    "array_unpacked_not_shape": "an array unpacked into its sizes (N, H = prev_h) instead of its shape (N, H = prev_h.shape)",
    "cache_unpack_mismatch": "a backward unpacks its cache into another number of names than its forward packed",
    "array_truth_value_in_if": "an if (elif, while) tests a whole array (if x > 0: on an array x), which NumPy refuses: "
                               "mask with np.where or boolean indexing",
    "np_choose_limit": "np.choose given 64 or more choices (one per class), which NumPy refuses: index x[np.arange(N), y] instead",
    "method_not_called": "a method is indexed with [ ] instead of called with ( ) (x.reshape[N, -1])",
    "item_assigned_on_none": "an item stored into a name that is still None (the starter's cache = None placeholder, "
                             "then cache['x'] = x): make it a dict (or an array) first",
    "size_true_division": "a size or index computed with / (Python 2's integer division), a float in Python 3",
    "array_as_axis": "a second array is given to np.sum or np.mean where its axis goes (np.sum(dout, x_hat, axis=0))",
    "hardcoded_shape": "a size written as a number (in a reshape, a range, a tile), which fits one input's shape only",
    "python_scalar_input": "the function reads .shape (or another array attribute) of an input given as a plain Python number",
    "mask_assignment": "an assignment through a boolean mask is given a whole array (dx[mask] = dout): index the right side with the same mask",
    "missing_key": "the function read a key its argument does not have (bn_param['eps'] without a default)",
    "out_of_memory": "the function ran out of memory",
    "module_not_found": "a function uses a module the submission imports and the grader does not provide (scipy, a typo, another file of theirs); the functions that do not use it are graded",
    "import_failed": "the submission's file raised or timed out while being imported",
    "returned_none": "the function returned None (a missing return statement)",
    "not_an_array": "the function returned an object that is not a numpy array",
    "float128_result": "the function returned extended precision (np.float128 / np.longdouble) instead of float64",
    "unreadable_dtype": "the function returned a numpy array of a dtype the grader does not read (an object, complex or extended-precision array)",
    "wrong_return_arity": "the function returned the wrong number of values (e.g. out without its cache)",
    "unreadable_return": "the function returned something the grader cannot read",
    "inconsistent_forward": "the forward is wrong and not a smooth function, so the backward cannot be judged",
    "gradient_wrong_for_own_forward": "the forward is wrong, and the backward is not its gradient either",
    "numerical_backward": "the backward calls the forward again and again: it differentiates numerically instead of by hand",
    "backward_too_slow": "the gradient does not finish a large case that code written by hand finishes in milliseconds: it "
                         "does work for every input element (a numerical gradient through a copy of the forward, or "
                         "a Python loop over every element)",
    "backward_inexact": "an elementwise gradient is right only to the accuracy of finite differences (a relative error "
                        "above 1e-12, where a derivative written as a formula is exact to rounding, about 1e-16): it "
                        "is computed numerically, not by hand",
    # dtypes
    "float32": "the function returned float32 instead of float64",
    "integer_result": "the function returned an integer or boolean array (a mask without dout, an int array)",
    # mutation
    "input_mutated": "the forward wrote into one of its inputs",
    "dout_mutated": "the backward wrote into dout, which belongs to the caller",
    "input_mutated_by_backward": "the backward wrote into a cached array that is the caller's input (x = cache; x[...] = ...)",
    "cache_mutated": "the backward wrote into its cache: a second call on the same cache gives another answer",
    "np_max_not_maximum": "np.max (a reduction) used where np.maximum (elementwise) was meant",
    "squeeze_breaks_n1": "squeeze() drops a size-1 batch or feature axis, so N = 1 (or D = 1) breaks",
    "missing_local_gradient": "the backward passes dout through without multiplying by the local gradient",
    # every normalisation's forward (batchnorm, layernorm, groupnorm), in layers and layers2 alike
    "eps_left_out": "a normalisation divides by sqrt(var) without eps (or with an eps far below the default 1e-5)",
}


# Ids that say what is wrong and where without claiming a cause: a hint under one of them cannot point
# a student the wrong way (the held-out measure, bench/hint_share.py, and its test read them here).
NEUTRAL = frozenset({None, "exception", "shape_error", "gradient_wrong_for_own_forward", "inconsistent_forward",
                     "running_stats_wrong", "test_mode_wrong"})
NEUTRAL_KINDS = ("_wrong_shape", "_slightly_off")


def is_neutral(mistake: str | None) -> bool:
    """Whether `mistake` (an id, or None) claims no cause."""
    return mistake in NEUTRAL or mistake.endswith(NEUTRAL_KINDS)


def value_mistake(value: str, kind: str) -> str | None:
    """The id of a mistake of kind `kind` in the result named `value`, or None if it has none."""
    return f"{value}_{kind}" if kind in VALUE_KINDS and value.isidentifier() else None


def catalogue(exercises) -> dict[str, str]:
    """Every mistake id `exercises` can give, with its meaning: the value ids of each result they
    name (out, loss, dx, dw, ...), the generic ones, and the ids each declaration describes (both
    halves, where the hidden one is there). Sorted by id."""
    exercises = list(exercises)
    values = dict.fromkeys(["out", "loss", *(name for exercise in exercises for name in exercise.value_names())])
    ids = {f"{v}_{kind}": meaning.format(v=v) for v in values for kind, meaning in VALUE_KINDS.items()}
    ids.update(NAMED)
    for exercise in exercises:
        for declared in (exercise.mistake_ids, getattr(exercise.hidden, "mistake_ids", None) or {}):
            for mistake, meaning in declared.items():
                ids.setdefault(mistake, meaning)
    return dict(sorted(ids.items()))


def golden(exercises) -> str:
    """The catalogue as tests/grader/mistake_ids.golden stores it: one "id<TAB>meaning" a line."""
    header = "# Published mistake ids: never remove or change a line, only add (see grader/diagnosis/mistake_ids.py)\n"
    return header + "".join(f"{k}\t{v}\n" for k, v in catalogue(exercises).items())
