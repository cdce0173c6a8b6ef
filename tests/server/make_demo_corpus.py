"""Write server/demo/corpus/ from tests/corpus: `python -m tests.server.make_demo_corpus`.

The demo (`grade admin demo`) must work from an installed package, which holds no tests/, so it
ships a copy of what it needs: the two correct base submissions, and for each buggy corpus file
built on them only the function(s) it changes. tests/server/test_demo_corpus.py checks that the
copy still rebuilds every corpus file; run this again after changing tests/corpus.
"""
from __future__ import annotations

import ast
import json
import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
TARGET = ROOT / "server" / "demo" / "corpus"
BASES = {"gates": "correct/gates_vectorized.py", "layers": "correct/layers_vectorized.py"}


def definitions(source: str) -> dict[str, ast.stmt]:
    """Top-level functions by name."""
    return {node.name: node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}


def changed_functions(base: str, buggy: str) -> list[str]:
    """Source of each function of `buggy` that differs from (or is missing in) `base`."""
    before = {name: ast.dump(node) for name, node in definitions(base).items()}
    return [ast.get_source_segment(buggy, node, padded=False) for name, node in definitions(buggy).items()
            if before.get(name) != ast.dump(node)]


def fragment(name: str, entry: dict, buggy: str, base: str) -> str:
    about = f"{entry['bug']} (mistake {entry['mistake']}; from tests/corpus/buggy/{name})."
    body = "\n\n\n".join(changed_functions(base, buggy))
    about = textwrap.fill(about, width=96, subsequent_indent="")
    return f'"""{about}\n"""\nimport numpy as np\n\n\n{body}\n'


def main() -> None:
    manifest = json.loads((CORPUS / "manifest.json").read_text())["buggy"]
    shutil.rmtree(TARGET / "bugs", ignore_errors=True)
    (TARGET / "bugs").mkdir(parents=True)
    for exercise, base_path in BASES.items():
        shutil.copyfile(CORPUS / base_path, TARGET / f"{exercise}.py")
    written = 0
    for name, entry in sorted(manifest.items()):
        if entry.get("base") not in BASES.values():
            continue
        base = (CORPUS / entry["base"]).read_text()
        text = fragment(name, entry, (CORPUS / "buggy" / name).read_text(), base)
        (TARGET / "bugs" / name).write_text(text)
        written += 1
    print(f"wrote {written} bug fragments and {len(BASES)} bases to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
