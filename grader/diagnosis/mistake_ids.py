"""The catalogue of mistake ids: the stable names a failed test carries beside its hint.

The dashboard counts these ids (GROUP BY mistake), so an id never changes meaning once published:
add new ids, never rename or reuse one. tests/grader/mistake_ids.golden holds every published id
with its meaning, and a test fails if one of them disappears or changes.

Two kinds of ids:
- VALUE_KINDS are mistakes any result can have; their id is "<value>_<kind>", where <value> is the
  result's name (out, loss, dx, dw, db, da, dgamma, dbeta): `db_wrong_axis`, `dx_sign`. Which
  gradient is wrong matters to an instructor (dw transposed and dx transposed are different bugs).
- NAMED are single mistakes of one function or one check: `missing_mean_path`, `dout_mutated`.
"""
from __future__ import annotations

# The names a result can have: forward outputs and the gradients of every exercise's inputs.
VALUES = ("out", "loss", "dx", "dw", "db", "da", "dgamma", "dbeta")

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
    # shapes
    "wrong_shape": "{v} has the wrong shape, with no more specific cause known",
    "not_summed": "{v} of a broadcast input has dout's shape: not summed over the broadcast axes",
    "wrong_axis": "{v} is summed over the wrong axis (e.g. db = dout.sum(axis=1))",
    "keepdims": "{v} differs only by a kept size-1 axis ((1, D) for (D,)): keepdims=True where it should not be",
    "squeezed": "{v} differs only by a dropped size-1 axis ((D,) for (1, D), () for (1,)): squeeze or a missing keepdims",
    "not_reshaped": "{v} has the right number of entries in the wrong shape: reshape it back",
    "shape_transposed": "{v} has the transposed shape: the matrix product is in the wrong order",
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
    "sum_axis_handling": "sum_backward raises: axis not normalised (negative, tuple, None) or the summed axes not put back before broadcasting",
    "hardcoded_shape": "a reshape with sizes written as numbers, which fit one input's shape only",
    "missing_key": "the function read a key its argument does not have (bn_param['eps'] without a default)",
    "out_of_memory": "the function ran out of memory",
    "module_not_found": "the submission imports a module the grader does not provide (another file of theirs)",
    "import_failed": "the submission's file raised or timed out while being imported",
    "returned_none": "the function returned None (a missing return statement)",
    "not_an_array": "the function returned an object that is not a numpy array",
    "wrong_return_arity": "the function returned the wrong number of values (e.g. out without its cache)",
    "unreadable_return": "the function returned something the grader cannot read",
    "inconsistent_forward": "the forward is wrong and not a smooth function, so the backward cannot be judged",
    "gradient_wrong_for_own_forward": "the forward is wrong, and the backward is not its gradient either",
    # dtypes
    "float32": "the function returned float32 instead of float64",
    "integer_result": "the function returned an integer or boolean array (a mask without dout, an int array)",
    # mutation
    "input_mutated": "the forward wrote into one of its inputs",
    "dout_mutated": "the backward wrote into dout, which belongs to the caller",
    "input_mutated_by_backward": "the backward wrote into a cached array that is the caller's input (x = cache; x[...] = ...)",
    "cache_mutated": "the backward wrote into its cache: a second call on the same cache gives another answer",
    # conventions at kinks
    "relu_kink_out_of_range": "relu_backward at x == 0 gives dx outside [0, dout] (e.g. 2 * dout or -dout)",
    "relu_kink_wrong_elsewhere": "relu_backward is wrong away from 0 once exact zeros are in the input",
    "max_tie_double_counted": "max_backward at a tie gives dout to both inputs",
    "max_tie_not_conserved": "max_backward at a tie: da + db is not dout",
    "max_wrong_off_ties": "max_backward is wrong where the inputs are not tied",
    # numerical stability
    "softmax_overflow": "softmax_loss overflows on large logits: the row max is not subtracted before exp",
    "softmax_log_underflow": "softmax_loss takes log of a probability that underflows to 0: use log-sum-exp",
    "sigmoid_overflow": "the sigmoid overflows for large |x|",
    "batchnorm_zero_variance": "batchnorm divides by sqrt(var) without eps: a constant feature gives NaN or inf",
    # forward values, by exercise
    "affine_missing_bias": "affine_forward leaves out b",
    "affine_not_flattened": "affine_forward does not flatten x to (N, D) first",
    "sum_keepdims_ignored": "sum_forward ignores keepdims",
    "np_max_not_maximum": "np.max (a reduction) used where np.maximum (elementwise) was meant",
    "sigmoid_sign": "the sigmoid uses exp(x) where exp(-x) belongs",
    "batchnorm_unbiased_var": "batchnorm uses the unbiased variance (ddof=1) instead of the batch's biased one",
    "batchnorm_eps_outside_sqrt": "batchnorm adds eps outside the square root: std + eps",
    "batchnorm_missing_beta": "batchnorm_forward leaves out beta",
    "squeeze_breaks_n1": "squeeze() drops a size-1 batch or feature axis, so N = 1 (or D = 1) breaks",
    # backward values, by exercise
    "missing_local_gradient": "the backward passes dout through without multiplying by the local gradient",
    "exp_gradient_x": "exp_backward multiplies by x instead of exp(x)",
    "exp_of_dout": "exp_backward computes exp(dout) instead of dout * exp(x)",
    "sigmoid_derivative_s": "sigmoid_backward uses s instead of s * (1 - s)",
    "sigmoid_one_minus_s": "sigmoid_backward uses (1 - s) instead of s * (1 - s)",
    "sigmoid_on_input": "sigmoid_backward applies s * (1 - s) to x instead of the sigmoid's output",
    "relu_output_as_mask": "relu_backward multiplies dout by the output max(x, 0) instead of the mask x > 0",
    "relu_mask_from_dout": "relu_backward takes its mask from dout (dout > 0) instead of from x",
    "relu_forward_mask": "relu_forward returns the mask (x > 0) instead of max(0, x)",
    "mul_swapped": "mul_backward gives each input its own value as local gradient (da = dout * a)",
    "pow_exponent": "pow_backward forgets to lower the exponent: b * a ** b instead of b * a ** (b - 1)",
    "pow_missing_log": "pow_backward forgets log(a) in db",
    "max_gradient_wrong": "max_backward does not send dout to the larger input",
    "softmax_missing_onehot": "softmax dx is p / N: the -1 at each example's correct class is missing",
    "softmax_onehot_all_rows": "softmax dx subtracts 1 at the labels' columns in every row (dx[:, y] -= 1)",
    "softmax_labels_one_based": "softmax uses y - 1 or y + 1: labels are 0-based class indices",
    "softmax_onehot_width": "softmax builds the one-hot with y.max() + 1 columns instead of C (breaks when a class is absent)",
    "softmax_onehot_scaled": "softmax dx's -onehot / N path has the wrong factor (sign or N)",
    "softmax_prob_path_scaled": "softmax dx's p / N path has the wrong factor",
    "missing_mean_path": "batchnorm dx is missing the path through the batch mean",
    "missing_var_path": "batchnorm dx is missing the path through the batch variance",
    "missing_mean_var_paths": "batchnorm dx is only the direct path: both paths through mean and variance are missing",
    "mean_path_wrong": "batchnorm dx's path through the mean has the wrong sign or factor",
    "var_path_wrong": "batchnorm dx's path through the variance has the wrong sign or factor (by N, by 2)",
    "direct_path_wrong": "batchnorm dx's direct path has the wrong factor (gamma or 1/std missing)",
    "missing_gamma": "batchnorm dx is missing the factor gamma",
    # batchnorm running statistics and test mode
    "running_stats_not_stored": "batchnorm does not write running_mean / running_var back into bn_param",
    "running_stats_not_updated": "batchnorm never updates the running statistics (they stay at their start)",
    "running_momentum_swapped": "batchnorm's update has momentum on the wrong side: (1 - m) * running + m * batch",
    "running_momentum_ignored": "batchnorm ignores bn_param['momentum'] (a hard-coded momentum)",
    "running_var_unbiased": "batchnorm's running variance uses the unbiased variance (ddof=1)",
    "running_stats_keepdims": "batchnorm stores running statistics of shape (1, D) instead of (D,)",
    "running_stats_wrong": "batchnorm's running statistics are wrong, with no more specific cause known",
    "test_mode_batch_stats": "batchnorm in test mode normalises with the test batch's own statistics",
    "test_mode_batch_var": "batchnorm in test mode uses running_mean but the test batch's own variance (or std)",
    "test_mode_no_eps": "batchnorm in test mode divides by sqrt(running_var) without eps",
    "eps_ignored": "batchnorm ignores bn_param['eps'] (a hard-coded eps)",
    "test_mode_wrong": "batchnorm's test-mode output is wrong, with no more specific cause known",
}


def _catalogue() -> dict[str, str]:
    ids = {f"{v}_{kind}": meaning.format(v=v) for v in VALUES for kind, meaning in VALUE_KINDS.items()}
    overlap = set(ids) & set(NAMED)
    assert not overlap, overlap
    return {**ids, **NAMED}


MISTAKES: dict[str, str] = _catalogue()


def value_mistake(value: str, kind: str) -> str | None:
    """The id of a mistake of kind `kind` in the result named `value`, or None if it has none."""
    mistake = f"{value}_{kind}"
    return mistake if mistake in MISTAKES else None


def meaning(mistake: str) -> str:
    return MISTAKES[mistake]


def golden() -> str:
    """The catalogue as tests/grader/mistake_ids.golden stores it: one "id<TAB>meaning" a line."""
    header = "# Published mistake ids: never remove or change a line, only add (see grader/diagnosis/mistake_ids.py)\n"
    return header + "".join(f"{k}\t{v}\n" for k, v in sorted(MISTAKES.items()))
