"""A later stability extreme names its own mistake only where the gradient failed for itself.

batchnorm's backward is judged against the numerical gradient of a wrong forward's own output where
that forward is wrong; on features around 1e8 those finite differences are noise, so such a failure
is the forward's, and the extreme's hint (E[x^2] - E[x]^2) would name a mistake the student did not
make. The file below (read in Deeplayer/CS231n-winter-2016) uses eps = 1e-3 by default and computes
the variance with np.var. And a finite but wrong loss on softmax's scores 1e3 apart is a guarded log,
never a declared mistake that happens to be inf there.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from grader.compare import allclose
from grader.engine import grade

ROOT = Path(__file__).resolve().parents[2]
EPS_1E3 = ROOT / "tests" / "corpus_real_style" / "buggy" / "layers_batchnorm_eps_default_1e3.py"


def test_a_wrong_forwards_noisy_gradient_is_not_called_variance_cancellation(tmp_path):
    submission = tmp_path / "layers.py"
    shutil.copyfile(EPS_1E3, submission)
    report = grade(submission, seed=1)
    mistakes = {t.mistake for t in report.tests if t.status != "passed"}
    assert "eps_default_wrong" in mistakes
    assert "batchnorm_variance_cancellation" not in mistakes


def test_an_inf_expected_value_is_close_to_nothing_finite():
    """A declared mistake that is inf on an extreme case (the last example's -log(0)) made the bound
    ||s - e|| <= rtol * ||e|| inf, so every finite wrong loss was 'close' to it and got its hint."""
    assert not allclose(np.asarray(11.0), np.asarray(np.inf))
    assert not allclose(np.array([1.0, 2.0]), np.array([np.inf, 2.0]))
    assert not allclose(np.array([-np.inf, 2.0]), np.array([np.inf, 2.0]))
    assert allclose(np.array([np.inf, 2.0]), np.array([np.inf, 2.0]))


GUARDED_LOG = '''import numpy as np


def softmax_loss(x, y):
    n = x.shape[0]
    p = np.exp(x - x.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log({guarded}))
    dx = p.copy()
    dx[np.arange(n), y] -= 1
    return loss, dx / n
'''


@pytest.mark.parametrize("guarded", ["p[np.arange(n), y] + 1e-12", "np.clip(p[np.arange(n), y], 1e-7, 1.0)"])
def test_a_guarded_log_is_named_and_not_called_a_dedented_loop(tmp_path, guarded):
    submission = tmp_path / "layers.py"
    submission.write_text(GUARDED_LOG.format(guarded=guarded))
    report = grade(submission, seed=1)
    failing = [t for t in report.tests if t.function == "softmax_loss" and t.status != "passed"]
    assert [t.mistake for t in failing] == ["softmax_log_guarded"]
    assert "log-sum-exp" in failing[0].hint
