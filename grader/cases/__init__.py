"""Cases: the inputs each check runs on, public (fixed, shipped) or hidden (fresh per submission)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exercises.base import Case, Exercise, describe_shapes
from ..results import Visibility
from . import public
from .seeds import case_rng


@dataclass(frozen=True)
class CaseSet:
    """The main and edge cases of one exercise for one visibility."""
    visibility: Visibility
    main: list[Case]
    edge: list[Case]


def build_case(exercise: Exercise, config: dict, seed: int, tag: str, oracle) -> Case:
    """Draw inputs for `config`, and a random upstream gradient (never ones) of the output's shape."""
    rng = case_rng(seed, exercise.name, tag)
    arrays, extras = exercise.make_inputs(rng, config)
    arrays = {name: np.asarray(a, dtype=np.float64) for name, a in arrays.items()}
    case = Case(exercise, config, arrays, extras, None, "", None)
    dout = None
    if not exercise.is_loss:
        out = np.asarray(oracle.forward(case))
        dout = rng.normal(size=out.shape)
    case.dout = dout
    case.label = describe_shapes(arrays, exercise.describe(extras) if exercise.describe else "")
    first = next(iter(arrays.values()))
    case.batch_size = int(first.shape[0]) if exercise.batched and first.ndim else None
    return case


def public_cases(exercise: Exercise, oracle, exercises_dir: Path) -> CaseSet:
    """The fixed cases shipped in the course's exercises/<assignment>/public_cases.json."""
    seed = public.seed(exercise.assignment, exercises_dir)
    return CaseSet(
        Visibility.VISIBLE,
        [build_case(exercise, c, seed, f"public-main-{i}", oracle)
         for i, c in enumerate(public.configs(exercise.assignment, exercise.name, "main", exercises_dir))],
        [build_case(exercise, c, seed, f"public-edge-{i}", oracle)
         for i, c in enumerate(public.configs(exercise.assignment, exercise.name, "edge", exercises_dir))],
    )


def hidden_cases(exercise: Exercise, oracle, seed: int, exercises_dir: Path) -> CaseSet:
    """Fresh cases drawn from `seed`: main shapes from the exercise's hidden declaration (without
    one, the public shapes again), and the public edge shapes plus its hidden-only ones, all on
    fresh values."""
    main, edge = [], public.configs(exercise.assignment, exercise.name, "edge", exercises_dir)
    hidden = exercise.hidden
    if hidden is not None:
        shape_rng = case_rng(seed, exercise.name, "hidden-shapes")
        main = [hidden.configs(shape_rng) for _ in range(hidden.cases)]
        edge = edge + [dict(extra) for extra in hidden.edges]
    main = main or public.configs(exercise.assignment, exercise.name, "main", exercises_dir)
    return CaseSet(
        Visibility.HIDDEN,
        [build_case(exercise, c, seed, f"hidden-main-{i}", oracle) for i, c in enumerate(main)],
        [build_case(exercise, c, seed, f"hidden-edge-{i}", oracle) for i, c in enumerate(edge)],
    )
