"""Hidden case configurations: shapes drawn fresh from the submission's seed.

Main cases get random sizes from the exercise's hidden declaration; edge cases are the public edge
shapes plus the ones only its hidden declaration lists. Without a hidden declaration (an exercise
whose author wrote none), the public configurations are drawn again on fresh values.
"""
from __future__ import annotations

import numpy as np

from ..exercises.base import Exercise


def configs(exercise: Exercise, rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """(main configurations, hidden-only edge configurations) of `exercise`, drawn from `rng`; no
    main configurations when it has no hidden declaration."""
    hidden = exercise.hidden
    if hidden is None:
        return [], []
    return [hidden.configs(rng) for _ in range(hidden.cases)], [dict(edge) for edge in hidden.edges]
