"""A parameter dict the forward only reads (layernorm's ln_param) must come back as it was given:
the caller passes the same dict at every call, so what is written into it changes the next call."""
from __future__ import annotations

from grader.engine import grade


def _mutation(report, function):
    [check] = [t for t in report.tests if t.function == function and t.check == "no input mutation"]
    return check


def test_a_layernorm_that_writes_into_ln_param_fails_the_mutation_check(mutant):
    # Layernorm run as batchnorm with ln_param as its bn_param: running statistics of shape (N,) land
    # in the caller's dict, and the next call with another batch size raises.
    report = grade(mutant("layers2", '    x_hat, inv_std = _normalise(x, 1, ln_param.get("eps", 1e-5))\n'
                                     '    return gamma * x_hat + beta, (x_hat, inv_std, gamma)',
                          '    ln_param.setdefault("mode", "train")\n'
                          '    ln_param["running_mean"] = x.mean(axis=1)\n'
                          '    x_hat, inv_std = _normalise(x, 1, ln_param.get("eps", 1e-5))\n'
                          '    return gamma * x_hat + beta, (x_hat, inv_std, gamma)'),
                   assignment="layers2", public_only=True)
    check = _mutation(report, "layernorm_forward")
    assert check.status == "failed" and check.mistake == "input_mutated"
    assert "'mode', 'running_mean'" in check.output and "dict(ln_param)" in check.hint


def test_a_dict_the_forward_keeps_its_state_in_is_not_read_only(mutant):
    # spatial batchnorm writes its running statistics into bn_param, as it must: no finding.
    report = grade(mutant("layers2", "def layernorm_forward", "def layernorm_forward"),
                   assignment="layers2", public_only=True)
    assert _mutation(report, "layernorm_forward").status == "passed"
    assert _mutation(report, "spatial_batchnorm_forward").status == "passed"


def test_a_max_pool_that_keeps_its_output_in_pool_param_fails_and_is_told_the_key(mutant):
    # Round 24: pool_param['out'] = out in the forward, read back by the backward: right while the dict
    # holds this call's output, wrong once another call has written into the same dict.
    report = grade(mutant("layers2", "    return out, (x, pool_param)",
                          '    pool_param["out"] = out\n    return out, (x, pool_param)'),
                   assignment="layers2", public_only=True)
    check = _mutation(report, "max_pool_forward_naive")
    assert check.status == "failed" and check.mistake == "input_mutated"
    assert "gained 'out'" in check.output and "pool_param['out'] = ..." in check.hint
    assert "pool_param.get('eps'" not in check.hint


def test_the_references_parameter_dicts_come_back_as_given(mutant):
    report = grade(mutant("layers2", "def layernorm_forward", "def layernorm_forward"),
                   assignment="layers2", public_only=True)
    for function in ("dropout_forward", "conv_forward_naive", "max_pool_forward_naive", "spatial_groupnorm_forward"):
        assert _mutation(report, function).status == "passed", function
