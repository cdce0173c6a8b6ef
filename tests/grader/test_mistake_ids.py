"""The mistake-id catalogue: published ids keep their meaning, and every id is documented."""
from __future__ import annotations

from pathlib import Path

from grader.diagnosis.mistake_ids import VALUE_KINDS, catalogue, value_mistake
from grader.exercises import catalogue as course_catalogue

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("mistake_ids.golden")
EXERCISES = course_catalogue(ROOT).exercises()
MISTAKES = catalogue(EXERCISES)
VALUES = {name for exercise in EXERCISES for name in exercise.value_names()}


def _golden() -> dict[str, str]:
    lines = [line for line in GOLDEN.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("\t", 1) for line in lines)


def test_published_ids_never_change_meaning():
    published = _golden()
    changed = {k: (v, MISTAKES.get(k)) for k, v in published.items() if MISTAKES.get(k) != v}
    assert not changed, ("published mistake ids were removed or changed meaning (add a new id instead): "
                         f"{changed}")


def test_every_id_is_published():
    new = sorted(set(MISTAKES) - set(_golden()))
    assert not new, (f"new mistake ids {new}: add them to {GOLDEN.name} "
                     "(python -c 'from grader.diagnosis.mistake_ids import golden; from grader.exercises import catalogue; "
                     "print(golden(catalogue().exercises()))')")


def test_ids_are_snake_case_and_value_ids_compose():
    # An id is snake case, but a value id keeps its gradient's own name (CS231n's dWx, dWh, dW).
    composed = {f"{v}_{kind}" for v in VALUES for kind in VALUE_KINDS}
    assert all(k.replace("_", "").isalnum() and (k == k.lower() or k in composed) for k in MISTAKES)
    assert value_mistake("db", "wrong_axis") == "db_wrong_axis"
    assert value_mistake("db", "no_such_kind") is None
    assert value_mistake("dWx", "sign") == "dWx_sign"     # a new exercise's gradient names compose too
    assert len(MISTAKES) >= len(VALUES) * len(VALUE_KINDS)


def test_an_exercise_describes_the_ids_it_gives():
    """Every id a declared mistake or chain-rule path gives is in the catalogue, with a meaning."""
    import numpy as np
    from grader.cases import public_cases
    from grader.oracle import oracle_for
    from grader.course import find_course
    from grader.exercises.kinds import is_kind
    course = find_course(ROOT)
    for kind in filter(is_kind, EXERCISES):     # another kind gives the ids it describes itself
        assert set(kind.mistake_ids) <= set(MISTAKES) and all(kind.mistake_ids.values()), kind.name
    for exercise in (e for e in EXERCISES if not is_kind(e)):
        assert exercise.hidden is not None
        assert {m.id for m in exercise.hidden.mistakes} <= set(MISTAKES), exercise.name
        case = public_cases(exercise, oracle_for([exercise.assignment], course), course.exercises_dir).main[0]
        for grad, rule in exercise.hidden.chain_rule.items():
            ids = {i for path in rule.paths(case) for i in (path.mistake, path.missing_mistake) if i}
            assert ids <= set(MISTAKES) and all(np.all(np.isfinite(p.value)) for p in rule.paths(case))


def test_the_readme_documents_every_kind_and_named_id():
    readme = (ROOT / "README.md").read_text()
    missing = [k for k in MISTAKES if f"`{k}`" not in readme
               and not any(k == f"{v}_{kind}" and f"`<value>_{kind}`" in readme for v in VALUES for kind in VALUE_KINDS)]
    assert not missing, f"README.md's mistake table lacks {missing}"
