"""grader.replay rebuilds from the seed exactly the hidden cases a grading ran: the arrays and
upstream gradients the grader drew during a real grade are recorded and compared."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import grader.cases as case_sets
from grader import grade
from grader.replay import hidden_inputs

REFERENCE = Path(__file__).resolve().parents[2] / "reference"


@pytest.mark.parametrize("assignment", ["gates", "layers"])
def test_the_replayed_cases_are_the_ones_graded(assignment, monkeypatch):
    drawn = []
    real = case_sets.build_case

    def recording(exercise, config, seed, tag, oracle):
        case = real(exercise, config, seed, tag, oracle)
        drawn.append((exercise.name, tag, case))
        return case
    monkeypatch.setattr(case_sets, "build_case", recording)
    report = grade(REFERENCE / assignment / f"{assignment}.py", assignment=assignment, seed=424242)
    assert report.score == report.max_score
    graded = {(name, tag): case for name, tag, case in drawn if tag.startswith("hidden-")}
    assert graded
    monkeypatch.setattr(case_sets, "build_case", real)

    replayed = {(e.name, f"hidden-{c.kind}-{c.number - 1}"): c for e in hidden_inputs(assignment, 424242) for c in e.cases}
    assert set(replayed) == set(graded)
    for key, case in graded.items():
        again = replayed[key]
        assert again.label == case.label
        assert list(again.inputs) == list(case.arrays)
        for name, array in case.arrays.items():
            np.testing.assert_array_equal(again.inputs[name], array)
        if case.dout is None:
            assert again.dout is None
        else:
            np.testing.assert_array_equal(again.dout, case.dout)
    other = {(e.name, c.kind, c.number): c for e in hidden_inputs(assignment, 424243) for c in e.cases}
    first = next(iter(replayed.values()))
    assert any(not np.array_equal(next(iter(c.inputs.values())), next(iter(first.inputs.values())))
               for c in other.values())          # another seed, other inputs


def test_named_extras_and_a_filter_by_function():
    (summed,) = hidden_inputs("gates", 7, functions={"sum_backward"})
    assert summed.name == "sum" and summed.functions == ("sum_forward", "sum_backward")
    assert all(set(c.extras) == {"axis", "keepdims"} for c in summed.cases)
    with pytest.raises(KeyError, match="no assignment"):
        hidden_inputs("nope", 7)
