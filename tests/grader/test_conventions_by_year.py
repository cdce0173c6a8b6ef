"""Conventions CS231n changed between years are the instructor's choice, today's by default: what
dropout's p means (DROPOUT_P_MEANS) and the shape of groupnorm's gamma and beta
(GROUPNORM_GAMMA_SHAPE), both set in exercises/layers2/assignment.py. A student's file written for
the course's convention gets full marks; one written for the other is failed and told why."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.engine import grade

ROOT = Path(__file__).resolve().parents[2]

GROUPNORM = '''import numpy as np


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    N, C, H, W = x.shape
    eps = gn_param.get("eps", 1e-5)
    xg = x.reshape(N, G, C // G, H, W)
    mu = xg.mean(axis=(2, 3, 4), keepdims=True)
    var = xg.var(axis=(2, 3, 4), keepdims=True)
    x_hat = ((xg - mu) / np.sqrt(var + eps)).reshape(N, C, H, W)
    out = {gamma} * x_hat + {beta}
    return out, (x_hat, 1 / np.sqrt(var + eps), gamma, G)


def spatial_groupnorm_backward(dout, cache):
    x_hat, inv_std, gamma, G = cache
    N, C, H, W = dout.shape
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3){keep})
    dbeta = dout.sum(axis=(0, 2, 3){keep})
    dxh = (dout * {gamma}).reshape(N, G, C // G, H, W)
    xh = x_hat.reshape(N, G, C // G, H, W)
    m = C // G * H * W
    dx = inv_std / m * (m * dxh - dxh.sum(axis=(2, 3, 4), keepdims=True)
                        - xh * (dxh * xh).sum(axis=(2, 3, 4), keepdims=True))
    return dx.reshape(N, C, H, W), dgamma, dbeta
'''
# Written for gamma of shape (1, C, 1, 1) (CS231n since 2019), and for (C,) (before).
GROUPNORM_NEW = GROUPNORM.format(gamma="gamma", beta="beta", keep=", keepdims=True")
GROUPNORM_OLD = GROUPNORM.format(gamma="gamma[None, :, None, None]", beta="beta[None, :, None, None]", keep="")

DROPOUT = '''import numpy as np


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    if mode == "train":
        mask = (np.random.rand(*x.shape) {compare} p) / {scale}
        return x * mask, (dropout_param, mask)
    return x, (dropout_param, None)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    return dout * mask if dropout_param["mode"] == "train" else dout
'''
DROPOUT_KEEP = DROPOUT.format(compare="<", scale="p")            # p: the probability of keeping (since 2017)
DROPOUT_DROP = DROPOUT.format(compare=">=", scale="(1 - p)")     # p: the probability of dropping (before)


def course(tmp_path: Path, **settings: str) -> Path:
    """A copy of the layers2 assignment with some of its convention settings changed."""
    root = tmp_path / "course"
    for half in ("exercises", "reference"):
        shutil.copytree(ROOT / half / "layers2", root / half / "layers2")
    for name, value in settings.items():
        for path in (root / "exercises" / "layers2" / "assignment.py", root / "reference" / "layers2" / "layers2.py"):
            text = path.read_text()
            old = next((line for line in text.splitlines() if line.startswith(f"{name} = ")), None)
            if old is not None:
                path.write_text(text.replace(old, f"{name} = {value!r}"))
    return root


def graded(tmp_path: Path, source: str, where: Path):
    path = tmp_path / "layers.py"
    path.write_text(source)
    return grade(path, course=where, seed=5, in_process=True, allow_unsandboxed=True)


@pytest.mark.parametrize("shape, right, wrong", [("(1, C, 1, 1)", GROUPNORM_NEW, GROUPNORM_OLD),
                                                 ("(C,)", GROUPNORM_OLD, GROUPNORM_NEW)])
def test_groupnorm_gammas_shape_is_the_courses_choice(tmp_path, shape, right, wrong):
    where = course(tmp_path, GROUPNORM_GAMMA_SHAPE=shape)
    report = graded(tmp_path, right, where)
    assert report.score == report.max_score, [(t.name, t.output) for t in report.tests if t.score < t.max_score]
    failed = graded(tmp_path, wrong, where)
    assert failed.score < failed.max_score / 2


def test_the_default_groupnorm_shape_names_a_gamma_given_extra_axes(tmp_path):
    failed = graded(tmp_path, GROUPNORM_OLD, ROOT)
    assert "groupnorm_gamma_reshaped" in {t.mistake for t in failed.tests}


@pytest.mark.parametrize("means, right, wrong", [("keep", DROPOUT_KEEP, DROPOUT_DROP), ("drop", DROPOUT_DROP, DROPOUT_KEEP)])
def test_what_dropouts_p_means_is_the_courses_choice(tmp_path, means, right, wrong):
    where = course(tmp_path, DROPOUT_P_MEANS=means)
    report = graded(tmp_path, right, where)
    assert report.score == report.max_score, [(t.name, t.output) for t in report.tests if t.score < t.max_score]
    failed = graded(tmp_path, wrong, where)
    assert failed.score < failed.max_score
    other = {"keep": "dropout_p_is_drop_probability", "drop": "dropout_p_is_keep_probability"}[means]
    named = [t for t in failed.tests if t.mistake == other]
    assert named and ("KEEPING" if means == "keep" else "DROPPING") in named[0].hint
