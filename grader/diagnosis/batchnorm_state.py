"""Named mistakes in batchnorm's running statistics and test mode, recomputed on the same inputs.

A wrong running statistic is compared with what each usual mistake would have stored (momentum
on the wrong side, bn_param's momentum ignored, the unbiased variance, never updated), and a wrong
test-mode output with the usual wrong test modes (the batch's own statistics, eps left out, a
hard-coded eps), so the hint names the mistake instead of restating the formula.
"""
from __future__ import annotations

import numpy as np

from ..compare import allclose

DEFAULT_EPS, DEFAULT_MOMENTUM = 1e-5, 0.9


def _update(running: np.ndarray, batch: np.ndarray, momentum: float) -> np.ndarray:
    return momentum * running + (1 - momentum) * batch


def running_mistake(key: str, value, before: dict, x: np.ndarray, settings: dict,
                    expected: np.ndarray) -> tuple[str, str]:
    """(hint, mistake id) for a wrong bn_param[key] after a train call on x, given bn_param's
    statistics `before` that call (the reference's; zeros on the first call)."""
    value = np.asarray(value, dtype=np.float64)
    d = x.shape[1]
    start = np.asarray(before.get(key, np.zeros(d)), dtype=np.float64)
    if value.shape != expected.shape:
        if value.size == expected.size:
            return (f"bn_param['{key}'] has shape {value.shape}, expected ({d},): take the statistics with "
                    "x.mean(axis=0) / x.var(axis=0) without keepdims=True.", "running_stats_keepdims")
        return f"bn_param['{key}'] must have shape ({d},), one value per feature.", "running_stats_wrong"
    momentum = settings.get("momentum", DEFAULT_MOMENTUM)
    batch = x.mean(axis=0) if key == "running_mean" else x.var(axis=0)
    variants = [
        (_update(start, batch, 1 - momentum), "momentum is on the wrong side: running = momentum * running + "
         "(1 - momentum) * batch statistic (momentum weighs the old value).", "running_momentum_swapped"),
        (start, f"bn_param['{key}'] was never updated: after each train batch, set bn_param['{key}'] = "
         "momentum * running + (1 - momentum) * batch statistic.", "running_stats_not_updated"),
    ]
    if momentum != DEFAULT_MOMENTUM:
        variants.append((_update(start, batch, DEFAULT_MOMENTUM),
                         "Use bn_param.get('momentum', 0.9): this call's bn_param sets another momentum.",
                         "running_momentum_ignored"))
    if key == "running_var":
        variants.append((_update(start, x.var(axis=0, ddof=1), momentum),
                         "Update running_var with the biased batch variance x.var(axis=0), the one the "
                         "normalisation uses (divide by N, not N - 1).", "running_var_unbiased"))
    for candidate, hint, mistake in variants:
        if not np.array_equal(candidate, expected) and allclose(value, candidate):
            return hint, mistake
    return ("running = momentum * running + (1 - momentum) * batch statistic, with the biased batch variance; "
            "start from zeros when bn_param has none; use the given momentum."), "running_stats_wrong"


def test_mode_mistake(out, x, gamma, beta, param: dict, expected: np.ndarray) -> tuple[str, str]:
    """(hint, mistake id) for a wrong test-mode output."""
    eps = param.get("eps", DEFAULT_EPS)
    mean, var = param["running_mean"], param["running_var"]
    variants = [
        (gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta,
         "In test mode normalise with bn_param['running_mean'] and bn_param['running_var'], not with the test "
         "batch's own mean and variance.", "test_mode_batch_stats"),
        (gamma * (x - mean) / np.sqrt(x.var(axis=0) + eps) + beta,
         "In test mode divide by np.sqrt(bn_param['running_var'] + eps), not by the test batch's own variance "
         "(you already use running_mean).", "test_mode_batch_var"),
        (gamma * (x - mean) / (x.std(axis=0) + eps) + beta,
         "In test mode divide by np.sqrt(bn_param['running_var'] + eps), not by the test batch's own std "
         "(you already use running_mean); and keep eps inside the square root.", "test_mode_batch_var"),
        (gamma * (x - mean) / np.sqrt(var) + beta,
         "In test mode add eps too: (x - running_mean) / np.sqrt(running_var + eps).", "test_mode_no_eps"),
    ]
    if eps != DEFAULT_EPS:
        variants.append((gamma * (x - mean) / np.sqrt(var + DEFAULT_EPS) + beta,
                         "Use eps = bn_param.get('eps', 1e-5): this call's bn_param sets another eps.",
                         "eps_ignored"))
    for candidate, hint, mistake in variants:
        if np.shape(out) == candidate.shape and not np.array_equal(candidate, expected) and allclose(out, candidate):
            return hint, mistake
    return ("In test mode: out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, with the "
            "running statistics from bn_param."), "test_mode_wrong"
