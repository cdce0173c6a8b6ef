"""The dict form of a test result: every field, JSON-ready, and read back as it was."""
from __future__ import annotations

import json
from dataclasses import asdict

from grader.results import Status, TestResult, Visibility


def _result() -> TestResult:
    return TestResult("affine_backward", "gradient", Visibility.HIDDEN, Status.FAILED, 0.0, 2.0,
                      output="db has shape (4, 3)", hint="sum dout over axis 0", mistake="db_not_summed",
                      measures={"relative_error": 0.5, "scale": 4.0, "cosine": 1.0}, wrong_gradients=("dw", "db"))


def test_to_dict_holds_every_field_in_order_after_the_name():
    result = _result()
    data = result.to_dict()
    assert list(data) == ["name", *asdict(result)]
    assert data["name"] == "affine_backward: gradient (hidden)"
    assert data["status"] == "failed" and data["visibility"] == "hidden"
    assert data["wrong_gradients"] == ["dw", "db"]
    assert data["measures"] == result.measures and data["measures"] is not result.measures
    json.dumps(data)   # plain JSON types only


def test_from_dict_reads_back_what_to_dict_wrote():
    result = _result()
    assert TestResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result
