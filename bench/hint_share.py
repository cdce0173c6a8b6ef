"""How often the grader's feedback names the mistake, on the corpus of single-bug submissions.

For each file in tests/corpus/buggy/ (stubs excluded) the manifest says which functions carry the
bug and which mistake id names it. A bug is *caught* when a flagged function fails some check,
and *named* when a failing check of it carries the manifest's mistake id (ids are what the hint
is chosen by, so a named id means a hint written for that mistake). Prints one line per file and
the shares; also the correct files rejected by any check (should be none).

    python bench/hint_share.py [--seed N]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.engine import grade  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def graded(path: Path, assignment: str, seed: int | None):
    """Graded under the name a student would submit (the corpus file name must not leak into hints)."""
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{assignment}.py"
        shutil.copyfile(path, submission)
        return grade(submission, assignment=assignment, seed=seed)


def judge(name: str, expected: dict, report) -> tuple[bool, bool, list[str]]:
    """(caught, named, mistake ids found on the flagged functions' failing checks)."""
    failing = [t for t in report.tests if t.function in expected["flagged"] and t.status != "passed"]
    found = list(dict.fromkeys(t.mistake for t in failing if t.mistake))
    return bool(failing), expected.get("mistake") in found, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    manifest = json.loads((CORPUS / "manifest.json").read_text())["buggy"]
    caught = named = total = 0
    for name, expected in sorted(manifest.items()):
        if "stub" in name:
            continue
        total += 1
        report = graded(CORPUS / "buggy" / name, expected["assignment"], args.seed)
        is_caught, is_named, found = judge(name, expected, report)
        caught += is_caught
        named += is_named
        mark = "named " if is_named else ("caught" if is_caught else "MISSED")
        print(f"{mark}  {name:55s} expected {expected.get('mistake')!s:28s} found {', '.join(found) or '-'}")
    rejected = []
    for path in sorted((CORPUS / "correct").glob("*.py")):
        report = graded(path, path.name.split("_")[0], args.seed)
        if report.score != report.max_score:
            rejected.append(path.name)
    print(f"\n{total} buggy files: {caught} caught ({caught / total:.0%}), "
          f"{named} with the mistake named ({named / max(caught, 1):.0%} of caught)")
    print(f"correct files rejected: {len(rejected)} {rejected or ''}")


if __name__ == "__main__":
    main()
