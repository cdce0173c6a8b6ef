"""Readings proven from the exception or the state, not from a declared wrong value (held-out round 13).

A gate's forward that asserts equal shapes is named only where the inputs' shapes differ and the failing
line compares shapes; an unbroadcast that sums axis 0 and reshapes is named only where the array that
failed to reshape has the size of dout summed over its first axis. A test mode that normalises with
running statistics it has just moved towards the test batch is the update placed before the mode branch.
"""
from __future__ import annotations

from grader.engine import grade

GATES = '''import numpy as np


def unbroadcast(grad, shape):
    {unbroadcast}


def add_forward(a, b):
    return a + b, (np.shape(a), np.shape(b))


def add_backward(dout, cache):
    return unbroadcast(dout, cache[0]), unbroadcast(dout, cache[1])


def mul_forward(a, b):
    {mul_check}
    return a * b, (a, b)


def mul_backward(dout, cache):
    a, b = cache
    return unbroadcast(dout * b, np.shape(a)), unbroadcast(dout * a, np.shape(b))
'''

RIGHT_UNBROADCAST = '''lead = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(lead)))
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad.reshape(shape)'''

FIRST_AXIS_ONLY = '''if np.shape(grad) == tuple(shape):
        return grad
    if len(shape) == 0:
        return grad.sum()
    return grad.sum(axis=0).reshape(shape)'''


def _failing(tmp_path, source: str, functions: set[str]):
    submission = tmp_path / "gates.py"
    submission.write_text(source)
    report = grade(submission, assignment=None, seed=1)
    return [t for t in report.tests if t.function in functions and t.status != "passed"]


def test_a_forward_asserting_equal_shapes_is_named(tmp_path):
    source = GATES.format(unbroadcast=RIGHT_UNBROADCAST, mul_check="assert a.shape == b.shape")
    failing = _failing(tmp_path, source, {"mul_forward"})
    assert failing and {t.mistake for t in failing} == {"gate_forward_requires_equal_shapes"}
    assert "broadcast shape" in failing[0].hint


def test_an_assert_on_something_else_is_not_called_an_equal_shape_assert(tmp_path):
    # The same AssertionError on inputs of different shapes, but the line does not compare shapes.
    source = GATES.format(unbroadcast=RIGHT_UNBROADCAST, mul_check="assert np.all(np.isfinite(a)) and b.size < 0")
    failing = _failing(tmp_path, source, {"mul_forward"})
    assert failing and "gate_forward_requires_equal_shapes" not in {t.mistake for t in failing}


def test_an_unbroadcast_summing_axis_0_only_is_named_where_its_reshape_fails(tmp_path):
    source = GATES.format(unbroadcast=FIRST_AXIS_ONLY, mul_check="pass")
    failing = _failing(tmp_path, source, {"add_backward", "mul_backward"})
    named = [t for t in failing if t.mistake == "unbroadcast_first_axis_only"]
    assert named and all("keepdims=True" in t.hint for t in named)
    # A hidden case withholds the message, and with it the proof: no name there.
    hidden = [t for t in failing if str(t.visibility) == "hidden"]
    assert hidden and all(t.mistake != "unbroadcast_first_axis_only" for t in hidden)


def test_a_reshape_failing_for_another_reason_is_not_called_axis_0_only(tmp_path):
    # sum(axis=0) on the line, but the array reshaped is not dout summed over its first axis.
    wrong = '''if np.shape(grad) == tuple(shape):
        return grad
    return grad.sum(axis=0)[:1].reshape(shape)'''
    failing = _failing(tmp_path, GATES.format(unbroadcast=wrong, mul_check="pass"), {"add_backward"})
    assert failing and "unbroadcast_first_axis_only" not in {t.mistake for t in failing}


BATCHNORM = '''import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    d = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(d))
    running_var = bn_param.get("running_var", np.zeros(d))
    mean, var = x.mean(axis=0), x.var(axis=0)
    running_mean = momentum * running_mean + (1 - momentum) * mean
    running_var = momentum * running_var + (1 - momentum) * var
    bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
    if mode == "train":
        x_hat = (x - mean) / np.sqrt(var + eps)
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
    else:
        raise ValueError(mode)
    return gamma * x_hat + beta, None
'''


def test_running_statistics_updated_before_the_mode_branch_are_named(tmp_path):
    submission = tmp_path / "layers.py"
    submission.write_text(BATCHNORM)
    report = grade(submission, assignment=None, seed=1)
    failing = [t for t in report.tests if t.function == "batchnorm_forward" and t.status != "passed"]
    assert [t.mistake for t in failing] == ["test_mode_changed_running_stats"]
    assert "train branch" in failing[0].hint


def test_a_test_mode_that_normalises_x_in_place_is_caught(tmp_path):
    # The mutation check calls the forward in train mode only; the state check's test-mode call
    # sees x come back changed (held-out round 15: out = x; out -= running_mean; ...).
    in_place = BATCHNORM.replace(
        '''    mean, var = x.mean(axis=0), x.var(axis=0)
    running_mean = momentum * running_mean + (1 - momentum) * mean
    running_var = momentum * running_var + (1 - momentum) * var
    bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
    if mode == "train":
        x_hat = (x - mean) / np.sqrt(var + eps)
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)''',
        '''    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
        x_hat = (x - mean) / np.sqrt(var + eps)
    elif mode == "test":
        x_hat = x
        x_hat -= running_mean
        x_hat /= np.sqrt(running_var + eps)''')
    assert in_place != BATCHNORM
    submission = tmp_path / "layers.py"
    submission.write_text(in_place)
    report = grade(submission, assignment=None, seed=1)
    failing = [t for t in report.tests if t.function == "batchnorm_forward" and t.status != "passed"]
    assert [t.mistake for t in failing] == ["input_mutated"]
    assert "test-mode call" in failing[0].output and "x.copy()" in failing[0].hint
    # without the in-place lines, the same file passes batchnorm_forward
    submission.write_text(in_place.replace("        x_hat = x\n        x_hat -= running_mean\n"
                                           "        x_hat /= np.sqrt(running_var + eps)",
                                           "        x_hat = (x - running_mean) / np.sqrt(running_var + eps)"))
    assert all(t.status == "passed" for t in grade(submission, assignment=None, seed=1).tests
               if t.function == "batchnorm_forward")
