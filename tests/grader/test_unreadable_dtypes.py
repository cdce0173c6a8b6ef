"""A result of a dtype the grader does not read is named by what it is, not called "not an array".

The worker sends such a value as the name of its type (grader.runner.protocol): the tests send the
values the same way, so that what the check reads is what a student's process would have sent."""
import numpy as np
import pytest

from grader.checks.common import Failed, as_array
from grader.runner import protocol


def _mistake(value) -> str:
    buffers: list[bytes] = []
    received = protocol.decode(protocol.encode(value, buffers), buffers)
    with pytest.raises(Failed) as failed:
        as_array(received, "loss", "svm_loss")
    return failed.value.finding.mistake


def test_extended_precision_is_named_as_float128():
    assert _mistake(np.float128(1.5)) == "float128_result"
    assert _mistake(np.ones(3, dtype=np.longdouble)) == "float128_result"


def test_another_unreadable_dtype_is_named_as_such_and_an_object_stays_not_an_array():
    assert _mistake(np.array(["a", "b"])) == "unreadable_dtype"
    assert _mistake(object()) == "not_an_array"
