"""The mistake-id catalogue: published ids keep their meaning, and every id is documented."""
from __future__ import annotations

from pathlib import Path

from grader.diagnosis.mistake_ids import MISTAKES, VALUE_KINDS, VALUES, value_mistake

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("mistake_ids.golden")


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
                     "(python -c 'from grader.diagnosis.mistake_ids import golden; print(golden())')")


def test_ids_are_snake_case_and_value_ids_compose():
    assert all(k.replace("_", "").isalnum() and k == k.lower() for k in MISTAKES)
    assert value_mistake("db", "wrong_axis") == "db_wrong_axis"
    assert value_mistake("db", "no_such_kind") is None
    assert len(MISTAKES) >= len(VALUES) * len(VALUE_KINDS)


def test_the_readme_documents_every_kind_and_named_id():
    readme = (ROOT / "README.md").read_text()
    missing = [k for k in MISTAKES if f"`{k}`" not in readme
               and not any(k == f"{v}_{kind}" and f"`<value>_{kind}`" in readme for v in VALUES for kind in VALUE_KINDS)]
    assert not missing, f"README.md's mistake table lacks {missing}"
