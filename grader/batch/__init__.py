"""Grading a whole class: `grade batch` and its Python API, `run_batch`.

sources.py finds the students (a folder, or an LMS export zip unpacked safely); grading.py grades
one student inside a pool process; pool.py runs them on every core and survives a crashed
process; outputs.py writes grades.csv, the JSON reports and Gradescope's results.json and reads
them back to skip unchanged submissions; summary.py is what a person sees.
"""
from __future__ import annotations

from .outputs import BatchRow
from .run import BatchResult, run_batch
from .sources import BatchError

__all__ = ["BatchError", "BatchResult", "BatchRow", "run_batch"]
