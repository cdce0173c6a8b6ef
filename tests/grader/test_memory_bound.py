"""The grading process's own memory bound (grader.memory_bound)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from grader.memory_bound import DEFAULT_BYTES, memory_bound

ALLOCATE = '''
import numpy as np
from grader.memory_bound import bound_grading_process
assert bound_grading_process(256 << 20) == 256 << 20
np.ones(16 << 20)                  # 128 MiB: within the bound
try:
    np.ones(64 << 20)              # 512 MiB: beyond it
except MemoryError:
    print("bounded")
'''


def test_a_bounded_grading_process_fails_an_allocation_beyond_its_bound_not_the_machine():
    done = subprocess.run([sys.executable, "-c", ALLOCATE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "bounded"


@pytest.mark.parametrize("text, expected", [("", DEFAULT_BYTES), ("0", None), ("1073741824", 1 << 30)])
def test_the_bound_comes_from_the_environment(text, expected):
    assert memory_bound({"GRADER_MEMORY_BYTES": text}) == expected


@pytest.mark.parametrize("text", ["-1", "4G"])
def test_a_bound_that_is_not_a_number_of_bytes_is_an_error(text):
    with pytest.raises(ValueError):
        memory_bound({"GRADER_MEMORY_BYTES": text})
