"""A later stability extreme names its own mistake only where the gradient failed for itself.

batchnorm's backward is judged against the numerical gradient of a wrong forward's own output where
that forward is wrong; on features around 1e8 those finite differences are noise, so such a failure
is the forward's, and the extreme's hint (E[x^2] - E[x]^2) would name a mistake the student did not
make. The file below (read in Deeplayer/CS231n-winter-2016) uses eps = 1e-3 by default and computes
the variance with np.var.
"""
from __future__ import annotations

import shutil
from pathlib import Path

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
