"""layers2's readings of conv, pooling and groupnorm mistakes seen in held-out round 13: each names
the mistake on a mutant of the reference that makes it, and stays silent where the cause differs."""
from __future__ import annotations

import numpy as np

from grader.engine import grade
from grader.exercises import catalogue

CONV_PAD = "    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))\n    h_out"
POOL_OUT = "    out = np.empty((n, c, _output_size(h, ph, stride), _output_size(w, pw, stride)))"


def _ids(report, function):
    return {t.mistake for t in report.tests if t.function == function and t.status != "passed"}


def test_a_forward_padded_by_hand_into_pad_minus_pad_is_named_at_pad_0(mutant):
    report = grade(mutant("layers2", CONV_PAD,
                          "    x_pad = np.zeros((x.shape[0], x.shape[1], x.shape[2] + 2 * pad, x.shape[3] + 2 * pad))\n"
                          "    x_pad[:, :, pad:-pad, pad:-pad] = x\n    h_out"), assignment="layers2")
    assert "conv_pad_slice_empty_at_pad_0" in _ids(report, "conv_forward_naive")


def test_conv_dx_without_the_stride_is_named(mutant):
    report = grade(mutant("layers2", "dx_pad[:, :, rows, cols] +=",
                          "dx_pad[:, :, i:i + hh, j:j + ww] +="), assignment="layers2")
    assert "conv_dx_stride_ignored" in _ids(report, "conv_backward_naive")


def test_conv_dw_from_a_square_slice_is_named_where_numpy_shows_the_shapes(mutant):
    report = grade(mutant("layers2", "dw += np.tensordot(d, x_pad[:, :, rows, cols], axes=([0], [0]))",
                          "pass\n    for kh in range(hh):\n        for kw in range(ww):\n"
                          "            h_o = dout.shape[2]\n"
                          "            dw[:, :, kh, kw] = np.einsum('nfij,ncij->fc', dout, "
                          "x_pad[:, :, kh:kh + h_o * stride:stride, kw:kw + h_o * stride:stride])"),
                   assignment="layers2")
    assert "conv_dw_square_output_assumed" in _ids(report, "conv_backward_naive")


def test_conv_dw_loop_over_kernel_columns_bounded_by_its_rows_is_named(mutant):
    # A real student's dw: for j in range(HH) over the kernel's columns. A 3 x 1 kernel at stride 1
    # makes the slice for j = 1 one column short of dout, and numpy names both shapes.
    loop = ("pass\n    for kh in range(hh):\n        for kw in range({}):\n"
            "            h_o, w_o = dout.shape[2:]\n"
            "            dw[:, :, kh, kw] = np.einsum('nfij,ncij->fc', dout, "
            "x_pad[:, :, kh:kh + h_o * stride:stride, kw:kw + w_o * stride:stride])")
    dw = "dw += np.tensordot(d, x_pad[:, :, rows, cols], axes=([0], [0]))"
    report = grade(mutant("layers2", dw, loop.format("hh")), assignment="layers2")
    flags = [t for t in report.tests if t.function == "conv_backward_naive" and t.mistake == "conv_square_kernel_assumed"]
    assert flags and "goes past WW = 1, bounded by HH = 3" in flags[0].hint
    # the right bound: nothing of the kind
    report = grade(mutant("layers2", dw, loop.format("ww"), name="right.py"), assignment="layers2")
    assert not _ids(report, "conv_backward_naive") - {None}


def test_pool_argmax_column_by_pool_height_is_named(mutant):
    report = grade(mutant("layers2", "            dx[:, :, rows, cols] += first * dout[:, :, i:i + 1, j:j + 1]",
                          "            for n_, c_ in np.ndindex(*x.shape[:2]):\n"
                          "                k = np.argmax(window[n_, c_])\n"
                          "                r_, q_ = k // pw, k % ph\n"
                          "                dx[n_, c_, i * stride + r_, j * stride + q_] += dout[n_, c_, i, j]"),
                   assignment="layers2")
    assert "pool_argmax_unravelled_wrong" in _ids(report, "max_pool_backward_naive")


def test_pool_switches_keyed_by_digits_run_together_are_named(mutant):
    report = grade(mutant("layers2", "            dx[:, :, rows, cols] += first * dout[:, :, i:i + 1, j:j + 1]",
                          "            for n_, c_ in np.ndindex(*x.shape[:2]):\n"
                          "                SWITCHES[str(n_) + str(c_) + str(i) + str(j)] = "
                          "np.unravel_index(np.argmax(window[n_, c_]), window.shape[2:])\n"
                          "    for n_, c_, i, j in np.ndindex(*dout.shape):\n"
                          "        r_, q_ = SWITCHES[str(n_) + str(c_) + str(i) + str(j)]\n"
                          "        dx[n_, c_, i * stride + r_, j * stride + q_] += dout[n_, c_, i, j]",
                          "def max_pool_backward_naive(dout, cache):", "SWITCHES = {}\n\n\ndef max_pool_backward_naive(dout, cache):"),
                   assignment="layers2")
    assert _ids(report, "max_pool_backward_naive") == {"pool_switch_key_collision"}


def test_pool_output_width_from_height_is_named(mutant):
    report = grade(mutant("layers2", POOL_OUT,
                          "    out = np.empty((n, c, _output_size(h, ph, stride), _output_size(h, pw, stride)))"),
                   assignment="layers2")
    assert "pool_output_width_from_height" in _ids(report, "max_pool_forward_naive")


def test_groupnorm_statistic_squeezed_at_g_1_is_named_not_told_hard_coded(mutant):
    report = grade(mutant("layers2", "    dx = _normalise_backward(dx_hat, x_hat, inv_std, (2, 3, 4))",
                          "    s = inv_std.squeeze()\n"
                          "    dx = _normalise_backward(dx_hat, x_hat, (s * np.ones((n, 1))).reshape(n, G, 1, 1, 1), "
                          "(2, 3, 4))"), assignment="layers2")
    found = _ids(report, "spatial_groupnorm_backward")
    assert "groupnorm_squeeze_breaks_g1" in found and "hardcoded_shape" not in found


def test_a_pool_forward_walking_input_positions_is_named(mutant):
    # Round 17: window starts walked over the input, 0, stride, ... while < H, written at out[i // stride]:
    # right where the windows tile the input, past out's end where they overlap.
    report = grade(mutant("layers2",
                          "    for i in range(out.shape[2]):\n        for j in range(out.shape[3]):\n"
                          "            out[:, :, i, j] = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]"
                          ".max(axis=(2, 3))\n",
                          "    for i in range(0, h, stride):\n        for j in range(0, w, stride):\n"
                          "            out[:, :, i // stride, j // stride] = x[:, :, i:i + ph, j:j + pw].max(axis=(2, 3))\n"),
                   assignment="layers2", seed=1)
    raised = [t for t in report.tests if t.function == "max_pool_forward_naive" and t.status != "passed"]
    assert raised and {t.mistake for t in raised} == {"pool_forward_window_count"}
    assert "out holds H' = 1 + (H - pool_height) // stride" in raised[0].hint


GROUPNORM_DX = "    dx = _normalise_backward(dx_hat, x_hat, inv_std, (2, 3, 4))\n    return dx.reshape(dout.shape)"


def test_a_groupnorm_backward_off_only_at_zero_variance_is_caught_on_a_constant_group(mutant):
    # round 18: a backward whose eps differs from the forward's (eps * 1.0001) is right to 1e-9 on
    # ordinary groups; a constant group, where 1 / sqrt(var + eps) is all eps, shows it (5e-5)
    report = grade(mutant("layers2", GROUPNORM_DX,
                          "    inv_std = 1 / np.sqrt(1 / inv_std ** 2 + 1e-9)\n" + GROUPNORM_DX),
                   assignment="layers2")
    failing = [t for t in report.tests if t.function == "spatial_groupnorm_backward" and t.status != "passed"]
    assert [t.check for t in failing] == ["gradient stability"]
    assert "with a constant group" in failing[0].output


def test_every_normalisation_is_checked_on_a_constant_statistic_and_the_reference_passes(mutant):
    report = grade(mutant("layers2"), assignment="layers2")
    stability = {(t.function, t.check): t.status for t in report.tests if "stability" in t.check}
    for forward, backward in [("batchnorm_forward", "batchnorm_backward_alt"), ("layernorm_forward", "layernorm_backward"),
                              ("spatial_batchnorm_forward", "spatial_batchnorm_backward"),
                              ("spatial_groupnorm_forward", "spatial_groupnorm_backward")]:
        assert stability[(forward, "stability")] == stability[(backward, "gradient stability")] == "passed"


def test_nan_on_a_constant_example_is_told_both_usual_causes_not_only_eps(mutant):
    # a real layernorm backward (round 19's candidates) used eps and still divided by a sum of
    # x - mean, 0 on a constant row: the hint must not claim eps was left out
    report = grade(mutant("layers2", "    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 1)\n",
                          "    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 1)\n"
                          "    dx = dx + 0 * (x_hat / (x_hat * dout).sum(axis=1, keepdims=True)).sum(axis=1, keepdims=True)\n"),
                   assignment="layers2")
    failing = [t for t in report.tests if t.function == "layernorm_backward" and t.status != "passed"]
    assert [t.check for t in failing] == ["gradient stability"]
    assert failing[0].mistake == "zero_variance_not_finite"
    assert "np.sqrt(var + eps)" in failing[0].hint and "a sum or difference of x - mean" in failing[0].hint


MASK = "        mask = (np.random.rand(*x.shape) < p) / p\n"


def _dropout_flags(mutant, mask, name):
    report = grade(mutant("layers2", MASK, mask, name=name), assignment="layers2")
    return [t for t in report.tests if t.function == "dropout_forward" and t.status != "passed"]


def test_dropout_from_another_random_stream_is_read_from_its_factors_and_share(mutant):
    # Round 20's masks, drawn so that no declared mistake (computed on the reference's draw) matches:
    # kept with probability p but not divided by p; the uniform draws themselves as the mask; one draw
    # per example.
    unscaled = _dropout_flags(mutant, "        mask = (np.random.rand(*x.shape) >= 1 - p) * 1.0\n", "a.py")
    assert unscaled and unscaled[0].mistake == "dropout_not_rescaled" and "whole" not in unscaled[0].hint
    draws = _dropout_flags(mutant, "        u = np.random.uniform(size=x.shape)\n        mask = u * (u > 1 - p)\n",
                           "b.py")
    assert draws and draws[0].mistake == "dropout_mask_not_binary" and "different numbers" in draws[0].hint
    rows = _dropout_flags(mutant, "        mask = np.random.binomial(1, p, x.shape[0]).reshape(-1, *[1] * (x.ndim - 1))"
                                  " * 1.0\n", "c.py")
    assert rows and rows[0].mistake == "dropout_not_rescaled" and "each example whole" in rows[0].hint
    # a kept share no fair coin gives is not said to be the right probability
    wrong_share = _dropout_flags(mutant, "        mask = (np.random.rand(*x.shape) < p / 3) * 1.0\n", "d.py")
    assert wrong_share and wrong_share[0].mistake != "dropout_not_rescaled"


def test_dropout_that_keeps_everything_is_checked_at_p_1(mutant):
    # Round 20: a forward that special-cased p == 1 and returned zeros alone, no cache.
    report = grade(mutant("layers2", MASK, "        if p == 1:\n            return np.zeros(x.shape)\n" + MASK),
                   assignment="layers2")
    flags = [t for t in report.tests if t.function == "dropout_forward" and t.status != "passed"]
    assert flags and all(t.visibility == "hidden" for t in flags) and "p = 1" in flags[0].output


CONV_SIZES = ("    h_out = _output_size(x.shape[2], hh, stride, pad)\n"
              "    w_out = _output_size(x.shape[3], ww, stride, pad)")
CONV_WINDOW = ("            window = x_pad[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]\n"
               "            # (N, C, HH, WW) against (F, C, HH, WW): one number per example and filter\n"
               "            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b")
# a student's window line: numpy names the window's and the kernel's shapes when they do not broadcast
WINDOW_BY_FILTER = ("            for f_ in range(f):\n"
                    "                window = {}[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]\n"
                    "                out[:, f_, i, j] = (window * w[f_]).sum(axis=(1, 2, 3)) + b[f_]")


# Held-out round 23: np.pad(x, pad) pads every axis, then a fixed crop of 1 off the examples and channels.
def test_a_forward_padding_every_axis_and_cropping_one_is_named_from_its_index_error(mutant):
    # a loop over the examples (x_pad[n]): at pad = 0 the cropped x_pad has N - 2 of them
    by_example = ("            for n_ in range(x.shape[0]):\n"
                  "                window = x_pad[n_][:, i * stride:i * stride + hh, j * stride:j * stride + ww]\n"
                  "                out[n_, :, i, j] = np.tensordot(window, w, axes=([0, 1, 2], [1, 2, 3])) + b")
    report = grade(mutant("layers2", CONV_PAD, "    x_pad = np.pad(x, (pad, pad))[1:-1, 1:-1]\n    h_out",
                          CONV_WINDOW, by_example), assignment="layers2")
    flags = [t for t in report.tests if t.function == "conv_forward_naive" and t.mistake == "conv_forward_crop_hardcoded"]
    assert flags and "N + 2 * pad - 2 = 0 examples where x has N = 2 (pad = 0)" in flags[0].hint
    # one example cropped off one end only: not that mistake (N - 1 examples, whatever pad is)
    report = grade(mutant("layers2", CONV_PAD, "    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))[1:]\n"
                          "    h_out", CONV_WINDOW, by_example, name="one_end.py"), assignment="layers2")
    assert "conv_forward_crop_hardcoded" not in _ids(report, "conv_forward_naive")


def test_conv_output_sizes_exchanged_are_named_and_not_told_to_slice_x_pad(mutant):
    # H' and W' exchanged (x.shape unpacked as N, C, W, H): a (W', H') output, its windows read from
    # x_pad and cut where the rows run past its end, which windows read from x would be too
    report = grade(mutant("layers2", CONV_SIZES, "    h_out = _output_size(x.shape[3], ww, stride, pad)\n"
                          "    w_out = _output_size(x.shape[2], hh, stride, pad)",
                          CONV_WINDOW, WINDOW_BY_FILTER.format("x_pad")), assignment="layers2", seed=2)
    ids = _ids(report, "conv_forward_naive")
    assert "conv_output_height_width_exchanged" in ids
    assert not ids & {"conv_window_from_unpadded_x", "out_axes_permuted"}, ids


def test_conv_windows_from_the_unpadded_x_are_still_named(mutant):
    report = grade(mutant("layers2", CONV_WINDOW, WINDOW_BY_FILTER.format("x")), assignment="layers2")
    ids = _ids(report, "conv_forward_naive")
    assert "conv_window_from_unpadded_x" in ids and "conv_output_height_width_exchanged" not in ids


def test_dropout_is_checked_on_a_dropout_param_without_a_seed(mutant):
    # Round 24: a backward that reseeds from dropout_param['seed'], which the API makes optional.
    report = grade(mutant("layers2", "    dropout_param, mask = cache\n",
                          "    dropout_param, mask = cache\n    np.random.seed(dropout_param['seed'])\n"),
                   assignment="layers2")
    flags = [t for t in report.tests if t.function == "dropout_backward" and t.status != "passed"]
    assert flags and all(t.mistake == "missing_key" and t.visibility == "hidden" for t in flags)
    assert "no seed" in flags[0].output
    # the reference, which reads the seed only where it is given, passes there
    assert not [t for t in grade(mutant("layers2", "def layernorm_forward", "def layernorm_forward"),
                                 assignment="layers2").tests
                if t.function.startswith("dropout") and t.status != "passed"]


POOL_FIRST_MAX_ADDED = "            dx[:, :, rows, cols] += first * dout[:, :, i:i + 1, j:j + 1]\n    return dx\n"
# Round 24: each element's count of windows it is the first maximum of, times the sum of the douts of
# every window that covers it (both added up window by window), multiplied once the loops are done.
POOL_COUNT_TIMES_COVERING = ("            count[:, :, rows, cols] += first\n"
                             "            covering[:, :, rows, cols] += dout[:, :, i:i + 1, j:j + 1]\n"
                             "    return count * covering\n")


def test_a_pool_backward_multiplying_max_counts_by_covering_douts_is_named(mutant):
    report = grade(mutant("layers2", "    dx = np.zeros_like(x)\n    for i in range(dout.shape[2]):",
                          "    count, covering = np.zeros_like(x), np.zeros_like(x)\n    for i in range(dout.shape[2]):",
                          POOL_FIRST_MAX_ADDED, POOL_COUNT_TIMES_COVERING), assignment="layers2")
    failed = [t for t in report.tests if t.function == "max_pool_backward_naive" and t.status == "failed"]
    assert failed and {t.mistake for t in failed} == {"pool_backward_max_count_times_covering_douts"}
    assert "not the maximum of" in failed[0].hint
    # where windows do not overlap, each element lies in one window and the product is right: no finding
    # is made on those cases (the public case of stride 2 and a 2 x 2 pool passes)
    assert not [t for t in failed if "stride 2]" in t.output and "pool 2x2" in t.output]


def test_conv_params_read_by_the_order_of_their_keys_are_named_on_a_dict_built_pad_first(mutant):
    # Round 24: stride, pad = tuple(conv_param.values()): right for {'stride': s, 'pad': p}, exchanged
    # for {'pad': p, 'stride': s}, which a hidden edge case passes.
    report = grade(mutant("layers2", '    stride, pad = conv_param["stride"], conv_param["pad"]\n    f, _, hh, ww',
                          '    stride, pad = tuple(conv_param.values())\n    f, _, hh, ww'), assignment="layers2")
    failed = [t for t in report.tests if t.function == "conv_forward_naive" and t.status != "passed"]
    assert failed and {t.mistake for t in failed} == {"param_dict_read_by_key_order"}
    assert all(t.visibility == "hidden" for t in failed) and "conv_param['stride']" in failed[0].hint
    # a forward with another wrong size on that case is not told about the order of the keys
    other = grade(mutant("layers2", '    stride, pad = conv_param["stride"], conv_param["pad"]\n    f, _, hh, ww',
                         '    stride, pad = conv_param["stride"], 0\n    f, _, hh, ww'), assignment="layers2")
    assert "param_dict_read_by_key_order" not in _ids(other, "conv_forward_naive")


CONV_DW = "            dw += np.tensordot(d, x_pad[:, :, rows, cols], axes=([0], [0]))\n"


def _dw_by_kernel_offset(start: str) -> str:
    """dw computed one kernel offset (m, n) at a time from the block of x_pad starting at `start`."""
    return (CONV_DW + "    h_out, w_out = dout.shape[2], dout.shape[3]\n    dw = np.zeros_like(w)\n"
            "    for m in range(hh):\n        for n in range(ww):\n"
            f"            block = x_pad[:, :, {start.format('m')}:{start.format('m')} + h_out, "
            f"{start.format('n')}:{start.format('n')} + w_out]\n"
            "            dw[:, :, m, n] = np.tensordot(dout, block, axes=([0, 2, 3], [0, 2, 3]))\n")


def test_conv_dw_block_starting_at_the_offset_times_the_stride_is_named(mutant):
    # Round 25: x_pad[:, :, m * stride:m * stride + H', ...] where rows m, m + stride, ... belong.
    report = grade(mutant("layers2", CONV_DW, _dw_by_kernel_offset("{} * stride")), assignment="layers2")
    found = {t.mistake for t in report.tests if t.function == "conv_backward_naive" and t.status == "failed"}
    assert "conv_dw_window_start_times_stride" in found


def test_conv_dw_block_at_the_offset_unstrided_is_not_told_the_start_times_the_stride(mutant):
    # the same symptom (dw wrong at stride >= 2 only), another slip: the block starts at m, read at stride 1
    report = grade(mutant("layers2", CONV_DW, _dw_by_kernel_offset("{}")), assignment="layers2")
    found = _ids(report, "conv_backward_naive")
    assert "conv_dw_stride_ignored" in found and "conv_dw_window_start_times_stride" not in found


def test_pool_windows_of_stride_by_stride_are_still_named(mutant):
    report = grade(mutant("layers2", "x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]",
                          "x[:, :, i * stride:i * stride + stride, j * stride:j * stride + stride]"),
                   assignment="layers2")
    assert "pool_window_size_is_stride" in _ids(report, "max_pool_forward_naive")


def _conv_shape_reading(out_spatial, x, w, stride, pad):
    """conv's own reading of a wrong output shape, on a case with x and w of these spatial sizes."""
    conv = next(e for e in catalogue().exercises() if e.name == "conv")
    case = {"x": np.zeros((1, 1) + x), "w": np.zeros((1, 1) + w), "conv_param": {"stride": stride, "pad": pad}}
    expected = (1, 1) + tuple(1 + (s + 2 * pad - k) // stride for s, k in zip(x, w))
    hint, _, mistake = conv.output_shape((1, 1) + out_spatial, expected, "The output must have shape", "shape", case)
    return hint, mistake


def test_conv_output_sized_square_from_one_axis_is_named(mutant):
    # Round 26: div = (H + 2 * pad - HH) // stride, H_out = W_out = 1 + div: (H', H') for (H', W')
    report = grade(mutant("layers2", "    w_out = _output_size(x.shape[3], ww, stride, pad)",
                          "    w_out = h_out"), assignment="layers2", seed=1)
    flags = [t for t in report.tests if t.function == "conv_forward_naive" and t.mistake == "conv_output_square_assumed"]
    assert flags and "your output is square, 5 x 5" in flags[0].hint and "W' = 1 + (W + 2 * pad - WW) // stride = 9" \
        in flags[0].hint
    # (W', W') as well; the other readings of the sizes keep theirs
    assert _conv_shape_reading((9, 9), (5, 7), (3, 1), 1, 1)[1] == "conv_output_square_assumed"
    assert _conv_shape_reading((5, 7), (5, 7), (3, 1), 1, 1)[1] == "conv_square_kernel_assumed"
    assert _conv_shape_reading((9, 5), (5, 7), (3, 1), 1, 1)[1] == "conv_output_height_width_exchanged"


def test_a_square_output_that_a_square_kernel_gives_too_names_neither():
    # H = W: HH used for WW gives (H', H') too, so the sizes cannot tell the two slips apart: the generic hint,
    # no cause (a fix of the student's own code may still prove one)
    assert _conv_shape_reading((2, 2), (4, 4), (3, 1), 1, 0) == ("The output must have shape", None)
    # where H and W differ the kernel's sizes are told apart (W' from W with HH: (2, 3))
    assert _conv_shape_reading((2, 3), (4, 5), (3, 1), 1, 0)[1] == "conv_square_kernel_assumed"
    assert _conv_shape_reading((2, 2), (4, 5), (3, 1), 1, 0)[1] == "conv_output_square_assumed"


GROUPNORM_STATS = ("    groups = x.reshape(n, G, c // G, h, w)\n"
                   "    x_hat, inv_std = _normalise(groups, (2, 3, 4), gn_param.get(\"eps\", 1e-5))")


def test_groupnorm_stats_over_the_rows_of_its_n_times_g_reshape_are_named(mutant):
    # Round 26: x.reshape(N * G, -1) (one row per example and group) with batchnorm's axis 0
    report = grade(mutant("layers2", GROUPNORM_STATS, "    groups = x.reshape(n * G, -1)\n"
                          "    x_hat, inv_std = _normalise(groups, 0, gn_param.get(\"eps\", 1e-5))"), assignment="layers2")
    flags = [t for t in report.tests if t.function == "spatial_groupnorm_forward" and t.mistake == "out_axis_off"]
    assert flags and "not of each column across the N * G rows (axis 0" in flags[0].hint


def test_groupnorm_stats_over_the_batch_alone_are_not_told_the_n_times_g_rows(mutant):
    # statistics across the examples only, per group and position: another mistake, not this one's hint
    report = grade(mutant("layers2", GROUPNORM_STATS, "    groups = x.reshape(n, G, -1)\n"
                          "    x_hat, inv_std = _normalise(groups, 0, gn_param.get(\"eps\", 1e-5))"), assignment="layers2")
    failing = [t for t in report.tests if t.function == "spatial_groupnorm_forward" and t.status != "passed"]
    assert failing and not any("N * G rows" in (t.hint or "") for t in failing)
