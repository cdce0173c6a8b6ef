"""Public cases: fixed shape configurations and a fixed seed, shipped in the course's
exercises/<assignment>/public_cases.json."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path


@cache
def load(assignment: str, exercises_dir: Path) -> dict:
    """{"seed": int, "cases": {exercise: {"main": [config], "edge": [config]}}}."""
    path = Path(exercises_dir) / assignment / "public_cases.json"
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def configs(assignment: str, exercise_name: str, kind: str, exercises_dir: Path) -> list[dict]:
    return load(assignment, exercises_dir)["cases"][exercise_name][kind]


def seed(assignment: str, exercises_dir: Path) -> int:
    return int(load(assignment, exercises_dir)["seed"])
