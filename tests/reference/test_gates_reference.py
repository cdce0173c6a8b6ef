"""The reference gates against numerical gradients, plus the API's edge cases."""

import numpy as np
import pytest

from reference.gates import gates
from tests.reference.numeric import numeric_grad, rel_error

TOL = 1e-7

BROADCAST_PAIRS = [
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((5,), (2, 5)),
    ((2, 5), (5,)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((), ()),
    ((4, 1), (4, 3)),
    ((4, 1), (4,)),
    ((1, 3, 1, 7, 1), (2, 1, 5, 1, 8)),
]

# gate name -> how to draw inputs a and b of a given shape
BINARY = {
    "add": lambda rng, shape: rng.standard_normal(shape),
    "mul": lambda rng, shape: rng.standard_normal(shape),
    "max": lambda rng, shape: rng.standard_normal(shape),
    "pow": lambda rng, shape: rng.uniform(0.5, 2.0, size=shape),  # pow needs a > 0
}


def binary(name):
    return getattr(gates, f"{name}_forward"), getattr(gates, f"{name}_backward")


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("a_shape, b_shape", BROADCAST_PAIRS)
def test_binary_gate_gradients(name, a_shape, b_shape):
    forward, backward = binary(name)
    rng = np.random.default_rng(0)
    a, b = BINARY[name](rng, a_shape), BINARY[name](rng, b_shape)
    if name == "pow":
        b = rng.uniform(-2.0, 2.0, size=b_shape)
    out, cache = forward(a, b)
    assert np.shape(out) == np.broadcast_shapes(a_shape, b_shape)
    assert np.asarray(out).dtype == np.float64
    dout = rng.standard_normal(np.shape(out))

    da, db = backward(dout, cache)

    assert np.shape(da) == a_shape and np.shape(db) == b_shape
    assert np.asarray(da).dtype == np.float64 and np.asarray(db).dtype == np.float64
    num_da = numeric_grad(lambda a_: forward(a_, b)[0], a, dout)
    num_db = numeric_grad(lambda b_: forward(a, b_)[0], b, dout)
    assert rel_error(da, num_da) < TOL
    assert rel_error(db, num_db) < TOL


@pytest.mark.parametrize("name", BINARY)
def test_binary_gate_accepts_python_scalars(name):
    forward, backward = binary(name)
    b = np.random.default_rng(1).uniform(0.5, 2.0, size=(2, 3))
    out, cache = forward(1.5, b)
    assert np.shape(out) == (2, 3)
    dout = np.random.default_rng(2).standard_normal((2, 3))
    da, db = backward(dout, cache)
    assert np.shape(da) == () and np.shape(db) == (2, 3)


def test_forward_values():
    a = np.array([[0.5, 2.0, 3.0]])
    b = np.array([[1.0], [-2.0]])
    np.testing.assert_array_equal(gates.add_forward(a, b)[0], a + b)
    np.testing.assert_array_equal(gates.mul_forward(a, b)[0], a * b)
    np.testing.assert_array_equal(gates.max_forward(a, b)[0], np.maximum(a, b))
    np.testing.assert_array_equal(gates.pow_forward(a, b)[0], a ** b)
    np.testing.assert_array_equal(gates.exp_forward(b)[0], np.exp(b))


def test_max_tie_goes_to_a():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 0.0, 5.0])
    dout = np.array([0.3, -0.7, 1.1])
    da, db = gates.max_backward(dout, gates.max_forward(a, b)[1])
    np.testing.assert_array_equal(da, [0.3, -0.7, 0.0])
    np.testing.assert_array_equal(db, [0.0, 0.0, 1.1])


def test_max_tie_under_broadcasting():
    dout = np.array([0.3, -0.7])
    da, db = gates.max_backward(dout, gates.max_forward(2.0, np.array([2.0, 2.0]))[1])
    assert np.shape(da) == () and da == pytest.approx(-0.4)
    np.testing.assert_array_equal(db, [0.0, 0.0])


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 1, 3)])
def test_exp_gradient(shape):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    out, cache = gates.exp_forward(x)
    dout = rng.standard_normal(np.shape(out))
    dx = gates.exp_backward(dout, cache)
    assert np.shape(dx) == shape
    assert rel_error(dx, numeric_grad(lambda x_: gates.exp_forward(x_)[0], x, dout)) < TOL


SUM_CASES = [
    ((3, 4), None, False),
    ((3, 4), None, True),
    ((3, 4), 0, False),
    ((3, 4), 1, True),
    ((3, 4), -1, False),
    ((2, 3, 4), -2, True),
    ((2, 3, 4), (0, 2), False),
    ((2, 3, 4), (0, -1), True),
    ((2, 3, 4), (-1, 0, 1), False),
    ((5,), 0, False),
    ((5,), -1, True),
    ((), None, False),
]


@pytest.mark.parametrize("shape, axis, keepdims", SUM_CASES)
def test_sum_gradient(shape, axis, keepdims):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    out, cache = gates.sum_forward(x, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out, np.sum(x, axis=axis, keepdims=keepdims), rtol=1e-15)
    dout = rng.standard_normal(np.shape(out))

    dx = gates.sum_backward(dout, cache)

    assert np.shape(dx) == shape and np.asarray(dx).dtype == np.float64
    f = lambda x_: gates.sum_forward(x_, axis=axis, keepdims=keepdims)[0]
    assert rel_error(dx, numeric_grad(f, x, dout)) < TOL


def test_sum_gradient_is_writable():
    dx = gates.sum_backward(np.ones(3), gates.sum_forward(np.zeros((2, 3)), axis=0)[1])
    dx[0, 0] = 5.0  # would raise on np.broadcast_to's read-only view
    assert dx.flags.writeable


@pytest.mark.parametrize("a_shape, b_shape", [((), ()), ((3, 1), (1, 4)), ((4,), (4,))])
def test_unbroadcast(a_shape, b_shape):
    grad = np.random.default_rng(5).standard_normal(np.broadcast_shapes(a_shape, b_shape))
    assert np.shape(gates.unbroadcast(grad, a_shape)) == a_shape
    np.testing.assert_allclose(np.sum(gates.unbroadcast(grad, a_shape)), grad.sum())


# (forward, inputs, forward kwargs, backward) for the no-mutation and call-twice checks
def _cases():
    rng = np.random.default_rng(6)
    for name in BINARY:
        forward, backward = binary(name)
        a, b = rng.uniform(0.5, 2.0, size=(3, 1)), rng.uniform(0.5, 2.0, size=(1, 4))
        yield pytest.param(forward, (a, b), {}, backward, id=name)
        yield pytest.param(forward, (a, a.copy()), {}, backward, id=f"{name}-same-shape")
    yield pytest.param(gates.exp_forward, (rng.standard_normal((2, 3)),), {}, gates.exp_backward, id="exp")
    yield pytest.param(gates.sum_forward, (rng.standard_normal((2, 3)),), {"axis": 1}, gates.sum_backward, id="sum")
    yield pytest.param(gates.sum_forward, (rng.standard_normal((2, 3)),), {"axis": 0, "keepdims": True},
                       gates.sum_backward, id="sum-keepdims")


@pytest.mark.parametrize("forward, inputs, kwargs, backward", list(_cases()))
def test_nothing_modified_and_backward_repeatable(forward, inputs, kwargs, backward):
    saved = [x.copy() for x in inputs]
    out, cache = forward(*inputs, **kwargs)
    dout = np.random.default_rng(7).standard_normal(np.shape(out))
    dout_saved = dout.copy()

    first = backward(dout, cache)
    first = first if isinstance(first, tuple) else (first,)
    first_saved = [np.copy(g) for g in first]
    for g in first:  # scribble on the results: they must not alias dout, inputs or cache
        if isinstance(g, np.ndarray) and g.ndim > 0:
            g[...] = np.nan
    second = backward(dout, cache)
    second = second if isinstance(second, tuple) else (second,)

    for x, x_saved in zip(inputs, saved):
        np.testing.assert_array_equal(x, x_saved)
    np.testing.assert_array_equal(dout, dout_saved)
    for g1, g2 in zip(first_saved, second):
        np.testing.assert_array_equal(g1, g2)
