"""The reference layers against numerical gradients, plus stability and batchnorm bookkeeping."""

import warnings

import numpy as np
import pytest

from reference.layers import layers
from tests.reference.numeric import numeric_grad, rel_error

TOL = 1e-7


@pytest.mark.parametrize("x_shape, M", [((3, 5), 4), ((2, 4, 5), 3), ((1, 6), 2), ((1, 2, 3), 1)])
def test_affine_gradients(x_shape, M):
    rng = np.random.default_rng(0)
    N, D = x_shape[0], int(np.prod(x_shape[1:]))
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal((D, M)), rng.standard_normal(M)
    out, cache = layers.affine_forward(x, w, b)
    np.testing.assert_allclose(out, x.reshape(N, D) @ w + b, rtol=1e-14)
    dout = rng.standard_normal((N, M))

    dx, dw, db = layers.affine_backward(dout, cache)

    assert dx.shape == x_shape and dw.shape == (D, M) and db.shape == (M,)
    assert rel_error(dx, numeric_grad(lambda x_: layers.affine_forward(x_, w, b)[0], x, dout)) < TOL
    assert rel_error(dw, numeric_grad(lambda w_: layers.affine_forward(x, w_, b)[0], w, dout)) < TOL
    assert rel_error(db, numeric_grad(lambda b_: layers.affine_forward(x, w, b_)[0], b, dout)) < TOL


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4)])
def test_relu_gradient(shape):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    x[np.abs(x) < 1e-3] = 0.5  # keep clear of the kink, where the numerical gradient is meaningless
    out, cache = layers.relu_forward(x)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    dout = rng.standard_normal(shape)
    dx = layers.relu_backward(dout, cache)
    assert rel_error(dx, numeric_grad(lambda x_: layers.relu_forward(x_)[0], x, dout)) < TOL


def test_relu_gradient_is_zero_at_zero():
    x = np.array([-1.0, 0.0, 2.0, -0.0])
    dout = np.array([0.3, 0.7, -1.1, 0.9])
    dx = layers.relu_backward(dout, layers.relu_forward(x)[1])
    np.testing.assert_array_equal(dx, [0.0, 0.0, -1.1, 0.0])


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4)])
def test_sigmoid_gradient(shape):
    rng = np.random.default_rng(2)
    x = 3 * rng.standard_normal(shape)
    out, cache = layers.sigmoid_forward(x)
    np.testing.assert_allclose(out, 0.5 * (1 + np.tanh(x / 2)), rtol=1e-14, atol=1e-16)
    dout = rng.standard_normal(shape)
    dx = layers.sigmoid_backward(dout, cache)
    assert rel_error(dx, numeric_grad(lambda x_: layers.sigmoid_forward(x_)[0], x, dout)) < TOL


def test_sigmoid_extremes_are_finite_without_warnings():
    x = np.array([-1e5, -1e3, -710.0, -50.0, 0.0, 50.0, 710.0, 1e3, 1e5])
    dout = np.ones_like(x)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        out, cache = layers.sigmoid_forward(x)
        dx = layers.sigmoid_backward(dout, cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))
    assert out[0] == 0.0 and out[1] == 0.0 and out[4] == 0.5 and out[-2] == 1.0 and out[-1] == 1.0
    assert 0.0 < out[2] < 1e-300 and out[3] == pytest.approx(np.exp(-50.0), rel=1e-14)
    np.testing.assert_allclose(out, 0.5 * (1 + np.tanh(x / 2)), rtol=1e-14, atol=1e-16)


def _softmax_loss_by_hand(x, y):
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


@pytest.mark.parametrize("N, C", [(1, 3), (4, 5), (6, 2)])
def test_softmax_loss_value_and_gradient(N, C):
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((N, C)), rng.integers(0, C, size=N)
    loss, dx = layers.softmax_loss(x, y)
    assert np.ndim(loss) == 0 and isinstance(loss, (float, np.floating))
    assert loss == pytest.approx(_softmax_loss_by_hand(x, y), rel=1e-13)
    assert dx.shape == (N, C)
    num_dx = numeric_grad(lambda x_: layers.softmax_loss(x_, y)[0], x, 1.0)
    assert rel_error(dx, num_dx) < TOL


def test_softmax_loss_is_stable_for_large_logits():
    rng = np.random.default_rng(4)
    small = rng.standard_normal((4, 5))
    y = rng.integers(0, 5, size=4)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        loss, dx = layers.softmax_loss(small + 1e3, y)
        # one logit 1000 above the rest: the correct class almost surely, the other almost impossible
        loss_right, _ = layers.softmax_loss(np.array([[1e3, 0.0]]), np.array([0]))
        loss_wrong, _ = layers.softmax_loss(np.array([[1e3, 0.0]]), np.array([1]))
    ref_loss, ref_dx = layers.softmax_loss(small, y)
    # softmax ignores a constant shift; adding 1e3 costs about 1e3 * 2**-52 of precision
    assert loss == pytest.approx(ref_loss, rel=1e-11)
    np.testing.assert_allclose(dx, ref_dx, rtol=1e-10, atol=1e-14)
    assert loss_right == 0.0 and loss_wrong == pytest.approx(1e3, rel=1e-15)


def _bn_inputs(rng, N=6, D=4):
    x = 5.0 + 3.0 * rng.standard_normal((N, D))
    return x, rng.standard_normal(D), rng.standard_normal(D)


# Not N = 2: two samples normalise to exactly -1 and +1 whatever x is, so dx is only
# the eps-sized leftover and no relative tolerance on it means anything.
@pytest.mark.parametrize("N, D", [(6, 4), (3, 3), (10, 1)])
def test_batchnorm_train_gradients(N, D):
    rng = np.random.default_rng(5)
    x, gamma, beta = _bn_inputs(rng, N, D)
    out, cache = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dout = rng.standard_normal((N, D))

    dx, dgamma, dbeta = layers.batchnorm_backward(dout, cache)

    assert dx.shape == (N, D) and dgamma.shape == (D,) and dbeta.shape == (D,)
    f = lambda x_, g_, b_: layers.batchnorm_forward(x_, g_, b_, {"mode": "train"})[0]
    assert rel_error(dx, numeric_grad(lambda x_: f(x_, gamma, beta), x, dout)) < TOL
    assert rel_error(dgamma, numeric_grad(lambda g_: f(x, g_, beta), gamma, dout)) < TOL
    assert rel_error(dbeta, numeric_grad(lambda b_: f(x, gamma, b_), beta, dout)) < TOL


def test_batchnorm_running_statistics_train_train_test():
    rng = np.random.default_rng(6)
    x1, gamma, beta = _bn_inputs(rng)
    x2, x3 = _bn_inputs(rng)[0], _bn_inputs(rng)[0]
    eps, momentum = 1e-3, 0.7
    bn_param = {"mode": "train", "eps": eps, "momentum": momentum}

    out1, _ = layers.batchnorm_forward(x1, gamma, beta, bn_param)
    out2, _ = layers.batchnorm_forward(x2, gamma, beta, bn_param)
    bn_param["mode"] = "test"
    out3, _ = layers.batchnorm_forward(x3, gamma, beta, bn_param)

    # by hand: running statistics start at zero; the variance is the biased one (ddof=0)
    mean1, var1 = x1.sum(0) / 6, ((x1 - x1.sum(0) / 6) ** 2).sum(0) / 6
    mean2, var2 = x2.sum(0) / 6, ((x2 - x2.sum(0) / 6) ** 2).sum(0) / 6
    rm = momentum * (momentum * 0.0 + (1 - momentum) * mean1) + (1 - momentum) * mean2
    rv = momentum * (momentum * 0.0 + (1 - momentum) * var1) + (1 - momentum) * var2
    np.testing.assert_allclose(out1, gamma * (x1 - mean1) / np.sqrt(var1 + eps) + beta, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out2, gamma * (x2 - mean2) / np.sqrt(var2 + eps) + beta, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bn_param["running_mean"], rm, rtol=1e-13)
    np.testing.assert_allclose(bn_param["running_var"], rv, rtol=1e-13)
    np.testing.assert_allclose(out3, gamma * (x3 - rm) / np.sqrt(rv + eps) + beta, rtol=1e-12, atol=1e-12)
    # test mode leaves the running statistics alone
    np.testing.assert_allclose(bn_param["running_mean"], rm, rtol=1e-13)


def test_batchnorm_defaults_and_no_in_place_update():
    rng = np.random.default_rng(7)
    x, gamma, beta = _bn_inputs(rng)
    running_mean, running_var = rng.standard_normal(4), rng.uniform(0.5, 2.0, size=4)
    saved_mean, saved_var = running_mean.copy(), running_var.copy()
    bn_param = {"mode": "train", "running_mean": running_mean, "running_var": running_var}

    out, _ = layers.batchnorm_forward(x, gamma, beta, bn_param)

    np.testing.assert_array_equal(running_mean, saved_mean)  # the caller's arrays are untouched
    np.testing.assert_array_equal(running_var, saved_var)
    np.testing.assert_allclose(bn_param["running_mean"], 0.9 * saved_mean + 0.1 * x.mean(0), rtol=1e-13)
    np.testing.assert_allclose(bn_param["running_var"], 0.9 * saved_var + 0.1 * x.var(0), rtol=1e-13)
    np.testing.assert_allclose(out, gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) + beta, rtol=1e-12)


def test_batchnorm_test_mode_defaults_to_zero_statistics():
    x, gamma, beta = _bn_inputs(np.random.default_rng(8))
    out, _ = layers.batchnorm_forward(x, gamma, beta, {"mode": "test"})
    np.testing.assert_allclose(out, gamma * x / np.sqrt(1e-5) + beta, rtol=1e-13)


@pytest.mark.parametrize("bn_param", [{"mode": "eval"}, {"mode": "Train"}, {}])
def test_batchnorm_rejects_unknown_mode(bn_param):
    x, gamma, beta = _bn_inputs(np.random.default_rng(9))
    with pytest.raises(ValueError):
        layers.batchnorm_forward(x, gamma, beta, bn_param)


def test_batchnorm_constant_feature_is_finite():
    rng = np.random.default_rng(10)
    x, gamma, beta = _bn_inputs(rng)
    x[:, 1] = 4.0
    out, cache = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, dgamma, dbeta = layers.batchnorm_backward(rng.standard_normal(x.shape), cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx)) and np.all(np.isfinite(dgamma))
    np.testing.assert_allclose(out[:, 1], beta[1], rtol=1e-15)


# (forward, inputs, backward) for the no-mutation and call-twice checks
def _cases():
    rng = np.random.default_rng(11)
    yield pytest.param(layers.affine_forward,
                       (rng.standard_normal((2, 3, 2)), rng.standard_normal((6, 4)), rng.standard_normal(4)),
                       layers.affine_backward, id="affine")
    yield pytest.param(layers.relu_forward, (rng.standard_normal((3, 4)),), layers.relu_backward, id="relu")
    yield pytest.param(layers.sigmoid_forward, (rng.standard_normal((3, 4)),), layers.sigmoid_backward, id="sigmoid")
    x, gamma, beta = _bn_inputs(rng)
    yield pytest.param(lambda x_, g_, b_: layers.batchnorm_forward(x_, g_, b_, {"mode": "train"}),
                       (x, gamma, beta), layers.batchnorm_backward, id="batchnorm")


@pytest.mark.parametrize("forward, inputs, backward", list(_cases()))
def test_nothing_modified_and_backward_repeatable(forward, inputs, backward):
    saved = [x.copy() for x in inputs]
    out, cache = forward(*inputs)
    dout = np.random.default_rng(12).standard_normal(out.shape)
    dout_saved = dout.copy()

    first = backward(dout, cache)
    first = first if isinstance(first, tuple) else (first,)
    first_saved = [g.copy() for g in first]
    for g in first:  # scribble on the results: they must not alias dout, inputs or cache
        g[...] = np.nan
    second = backward(dout, cache)
    second = second if isinstance(second, tuple) else (second,)

    for x, x_saved in zip(inputs, saved):
        np.testing.assert_array_equal(x, x_saved)
    np.testing.assert_array_equal(dout, dout_saved)
    for g1, g2 in zip(first_saved, second):
        np.testing.assert_array_equal(g1, g2)


def test_softmax_loss_leaves_inputs_alone():
    rng = np.random.default_rng(13)
    x, y = rng.standard_normal((4, 3)), rng.integers(0, 3, size=4)
    x_saved, y_saved = x.copy(), y.copy()
    layers.softmax_loss(x, y)
    np.testing.assert_array_equal(x, x_saved)
    np.testing.assert_array_equal(y, y_saved)
