"""Cases: the inputs each check runs on, public (fixed, shipped) or hidden (fresh per submission)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..exercises.base import Case, Exercise, describe_shapes
from ..results import Visibility
from . import public
from .seeds import case_rng


@dataclass(frozen=True)
class CaseSet:
    """The main and edge cases of one exercise for one visibility, and its work-bound cases
    (Hidden.work, for the gradient check: in the public set, where hidden checks run)."""
    visibility: Visibility
    main: list[Case]
    edge: list[Case]
    work: list[Case] = field(default_factory=list)


def build_case(exercise: Exercise, config: dict, seed: int, tag: str, oracle) -> Case:
    """Draw inputs for `config`, and a random upstream gradient (never ones) of the output's shape."""
    rng = case_rng(seed, exercise.name, tag)
    arrays, extras = exercise.make_inputs(rng, config)
    arrays = {name: np.asarray(a, dtype=np.float64) for name, a in arrays.items()}
    case = Case(exercise, config, arrays, extras, None, "", None)
    dout = None
    if not exercise.is_loss:
        outs = oracle.forward(case)
        if exercise.outputs:
            dout = tuple(rng.normal(size=np.shape(out)) for out in outs)
        else:
            dout = rng.normal(size=np.asarray(outs).shape)
    case.dout = dout
    floats = "".join(f", {name} a Python float" for name in config.get("python_floats", ()))
    case.label = describe_shapes(arrays, (exercise.describe(extras) if exercise.describe else "") + floats)
    first = next(iter(arrays.values()))
    case.batch_size = int(first.shape[0]) if exercise.batched and first.ndim else None
    return case


def public_cases(exercise: Exercise, oracle, exercises_dir: Path, seed: int | None = None) -> CaseSet:
    """The public cases: the configurations in the course's exercises/<assignment>/public_cases.json,
    drawn from its seed (the values shipped in a release), or from `seed` (fresh values of the
    same shapes, so that a table of the released answers earns nothing where hidden checks run;
    then the work-bound cases too, so that a backward by central differences earns no public point)."""
    fresh = seed is not None
    seed = public.seed(exercise.assignment, exercises_dir) if seed is None else seed
    return CaseSet(
        Visibility.VISIBLE,
        [build_case(exercise, c, seed, f"public-main-{i}", oracle)
         for i, c in enumerate(public.configs(exercise.assignment, exercise.name, "main", exercises_dir))],
        [build_case(exercise, c, seed, f"public-edge-{i}", oracle)
         for i, c in enumerate(public.configs(exercise.assignment, exercise.name, "edge", exercises_dir))],
        work_cases(exercise, oracle, seed) if fresh else [],
    )


def work_cases(exercise: Exercise, oracle, seed: int) -> list[Case]:
    """The exercise's work-bound cases (Hidden.work), drawn from `seed`; none without a hidden half.
    In the public set only: a backward that runs out of time there earns nothing (the checks whose
    points wait for the public gradient check get none), and the hidden gradient check's calls of
    it are answered with that timeout at once (grader.runner.process), so one large case is enough."""
    configs = exercise.hidden.work if exercise.hidden is not None else ()
    cases = [build_case(exercise, dict(c), seed, f"work-{i}", oracle) for i, c in enumerate(configs)]
    for case in cases:
        case.work = True
    return cases


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
