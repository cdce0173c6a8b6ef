"""A student-written scalar autograd engine (micrograd) as a kind of exercise: generated programs
(programs), the trusted engines (engines), judging numbers (judge, network) and the kind (kind)."""
from .engines import Mutant
from .kind import AutogradEngine, EngineHidden
from .mistakes import MISTAKES

__all__ = ["AutogradEngine", "EngineHidden", "MISTAKES", "Mutant"]
