"""An exercise's declared mistakes, computed on a case's own inputs.

Each exercise's hidden declaration lists its known wrong answers (grader.exercises.base.Mistake):
a student whose result equals one of them on the failing case gets that mistake's hint and id.
They are computed only when a check has already failed, and only in the trusted grader (the
oracle asks: a student's release replays the answers recorded on the public cases).
"""
from __future__ import annotations

import warnings

import numpy as np

from .values import Candidate


def declared_candidates(case, of: str) -> list[Candidate]:
    """The exercise's declared mistakes about the result `of` ("out", "loss", "dx", ...) that apply
    to `case`, in declaration order. A mistake whose computation fails on this case (a shape it
    was not written for) is left out: a student's verdict never depends on it, and
    `grade validate` reports it to the author."""
    hidden = case.exercise.hidden
    if hidden is None:
        return []
    found = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for mistake in hidden.mistakes:
            if mistake.of != of:
                continue
            try:
                if mistake.when is None or mistake.when(case):
                    found.append(Candidate(np.asarray(mistake.value(case)), mistake.hint, mistake.id))
            except Exception:  # noqa: BLE001 - the author's code on a case it does not fit
                continue
    return found
