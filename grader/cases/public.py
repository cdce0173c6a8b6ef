"""Public cases: fixed shape configurations and a fixed seed, shipped in exercises/<assignment>/."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

EXERCISES_DIR = Path(__file__).resolve().parents[2] / "exercises"


@cache
def load(assignment: str, exercises_dir: Path = EXERCISES_DIR) -> dict:
    """{"seed": int, "cases": {exercise: {"main": [config], "edge": [config]}}}."""
    path = exercises_dir / assignment / "public_cases.json"
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def configs(assignment: str, exercise_name: str, kind: str) -> list[dict]:
    return load(assignment)["cases"][exercise_name][kind]


def seed(assignment: str) -> int:
    return int(load(assignment)["seed"])
