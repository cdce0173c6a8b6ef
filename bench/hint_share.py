"""How often the grader's feedback names the mistake, on a corpus of single-bug submissions.

Two corpora: `tests/corpus` (our own, written with the grader's catalogue in mind) and
`tests/corpus_real_style` (issue 20: single-bug files written in the styles of public students'
CS231n and autograd code, each bug one we read in such code; see its manifest). For each buggy file
the manifest says which functions carry the bug and which mistake id names it (a list: any of
them). A bug is *caught* when a flagged function fails some check, and *named* when a failing check
of it carries the manifest's id (ids are what the hint is chosen by, so a named id means a hint
written for that mistake). A caught bug that is not named is *misleading* when its first failing
check carries an id that claims a cause (not one of mistake_ids.NEUTRAL, which say only what is wrong
and where): the student is told about a mistake they did not make. Prints one line per file, the
shares, and the correct files rejected by any check (should be none).

    python bench/hint_share.py [--corpus corpus|real_style|held_out] [--round R] [--seed N] [--seeds N]
                               [--without-declarations]

`--without-declarations` grades with every exercise's declared mistakes and chain-rule paths switched
off: what the generic diagnoses alone name (what an instructor's new exercise, with no declared
mistake, gets). Files not named by their ids but given a one-change diagnosis (of the reference,
grader/diagnosis/one_change.py) or a fix proven on the student's own code
(grader/diagnosis/code_fixes.py) are listed with their hint, to be read against the bug sentence.

`held_out` (tests/corpus_held_out) holds files written after the fixes made on `real_style`, their
expected ids set down before the first run: the honest estimate for code we did not write.

A file the grader refuses whole (Python 2 source, which it lists line by line instead of grading) is
caught, and named when the refusal holds the manifest's `rejected_with` phrase.
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

from grader.diagnosis.mistake_ids import is_neutral  # noqa: E402
from grader.engine import grade  # noqa: E402
from grader.submission import SubmissionError  # noqa: E402

CORPORA = {"corpus": ROOT / "tests" / "corpus", "real_style": ROOT / "tests" / "corpus_real_style",
           "held_out": ROOT / "tests" / "corpus_held_out"}

def graded(path: Path, assignment: str, seed: int | None, whole: bool):
    """Graded under the name a student would submit (the corpus file name must not leak into hints).
    `whole`: the file is a whole assignment; otherwise only the exercises it defines are graded."""
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{assignment}.py"
        shutil.copyfile(path, submission)
        return grade(submission, assignment=assignment if whole else None, seed=seed)


def expected_ids(expected: dict) -> list[str]:
    mistake = expected.get("mistake")
    return list(mistake) if isinstance(mistake, list) else [mistake]


def judge(expected: dict, report) -> tuple[bool, bool, bool, list[str]]:
    """(caught, named, misleading, mistake ids found on the flagged functions' failing checks; with
    "-" when some failing check has no hint at all)."""
    failing = [t for t in report.tests if t.function in expected["flagged"] and t.status != "passed"]
    found = list(dict.fromkeys(t.mistake for t in failing if t.mistake))
    if any(t.hint is None and t.status == "failed" for t in failing):
        found.append("(no hint)")
    # Where the id alone is generic (shape_error), the manifest also names a phrase its hint must hold.
    named = any(t.mistake in expected_ids(expected) and expected.get("hint_holds", "") in (t.hint or "")
                for t in failing)
    misleading = bool(failing) and not named and not is_neutral(failing[0].mistake)
    return bool(failing), named, misleading, found


# How a fix proven on the student's own code (grader.diagnosis.code_fixes) words its hint.
CODE_FIX = ("Your code gives the right", "Your code runs and gives the right")
ONE_CHANGE_KINDS = ("_factor_off", "_term_off", "_axis_off", "_transpose_off", "_variable_off", "_constant_off",
                    "_operation_off")


def without_declarations() -> None:
    """Switch off every exercise's declared mistakes and chain-rule paths, for this process."""
    from grader.oracle import Oracle
    Oracle.mistakes = lambda self, case, of: []
    Oracle.chain_rule = lambda self, case, grad_name: ([], None, False)


def measure(corpus: str, seed: int | None, verbose: bool = True, round_: int | None = None) -> dict:
    """Figures for one corpus at one seed (`round_`: only the held-out files of that round)."""
    folder = CORPORA[corpus]
    whole = corpus == "corpus"
    manifest = json.loads((folder / "manifest.json").read_text())["buggy"]
    caught = named = by_cause = misleading = total = hintless = 0
    gaps, misled, one_change = [], [], []
    for name, expected in sorted(manifest.items()):
        if "stub" in name or (round_ is not None and expected.get("round", 1) != round_):
            continue
        total += 1
        try:
            report = graded(folder / "buggy" / name, expected["assignment"], seed, whole)
        except SubmissionError as error:
            # The whole file is refused before any function runs (Python 2 source): caught, and named
            # when the message says what the manifest's phrase says (it lists the lines to change).
            is_named = expected.get("rejected_with", "\0") in str(error)
            caught, named, by_cause = caught + 1, named + is_named, by_cause + is_named
            if verbose:
                print(f"{'named ' if is_named else 'caught'}  {name:48s} whole file refused: {str(error)[:80]!r}")
            continue
        is_caught, is_named, is_misleading, found = judge(expected, report)
        caught += is_caught
        named += is_named
        failing = [t for t in report.tests if t.function in expected["flagged"] and t.status != "passed"]
        # named by an id that claims a cause, not only by a neutral one a writer listed (dx_slightly_off)
        by_cause += is_named and any(t.mistake in expected_ids(expected) and not is_neutral(t.mistake) for t in failing)
        hintless += is_caught and not is_named and "(no hint)" in found
        misleading += is_misleading
        if is_misleading:
            misled.append(name)
        if expected.get("known_gap"):
            gaps.append(name)
        changed = next((t for t in failing if (t.mistake or "").endswith(ONE_CHANGE_KINDS)), None)
        if changed is not None and not is_named:
            one_change.append((name, expected["bug"], changed.hint))
        mark = "named " if is_named else ("MISLED" if is_misleading else ("caught" if is_caught else "MISSED"))
        if verbose:
            print(f"{mark}  {name:48s} expected {'|'.join(expected_ids(expected)):32s} found {', '.join(found) or '-'}")
    rejected = []
    for path in sorted((folder / "correct").glob("*.py")):     # none in a folder without one
        report = graded(path, path.name.split("_")[0], seed, whole)
        if report.score != report.max_score:
            rejected.append(path.name)
    return {"total": total, "caught": caught, "named": named, "by_cause": by_cause, "misleading": misleading,
            "misled": misled,
            "hintless": hintless, "one_change": one_change,
            "known_gaps": gaps, "correct": len(list((folder / "correct").glob("*.py"))), "rejected": rejected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="corpus")
    parser.add_argument("--round", type=int, default=None, dest="round_",
                        help="only the held-out files of this round (its first run is the honest figure)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--seeds", type=int, default=1,
                        help="grade the corpus at seeds 1..N (with --seed: seed..seed+N-1)")
    parser.add_argument("--without-declarations", action="store_true",
                        help="declared mistakes and chain-rule paths off: the generic diagnoses alone")
    args = parser.parse_args()
    if args.without_declarations:
        without_declarations()
    seeds = [args.seed] if args.seeds == 1 else [(args.seed or 1) + i for i in range(args.seeds)]
    for seed in seeds:
        f = measure(args.corpus, seed, verbose=len(seeds) == 1, round_=args.round_)
        print(f"\nseed {seed}: {f['total']} buggy files: {f['caught']} caught ({f['caught'] / f['total']:.0%}), "
              f"{f['named']} with the mistake named ({f['named'] / max(f['caught'], 1):.0%} of caught; "
              f"{f['by_cause']} by an id that claims a cause, {f['by_cause'] / max(f['caught'], 1):.0%}), "
              f"{f['misleading']} misleading {f['misled'] or ''}; {f['hintless']} caught but unnamed with a check "
              f"that has no hint; known gaps: {len(f['known_gaps'])}")
        print(f"correct files rejected: {len(f['rejected'])} of {f['correct']} {f['rejected'] or ''}")
        if f["one_change"]:
            fixes = sum(hint.startswith(CODE_FIX) for _, _, hint in f["one_change"])
            print(f"\n{len(f['one_change'])} files not named by their ids but given a one-change hint of the reference "
                  f"({len(f['one_change']) - fixes}) or a fix of their own code ({fixes}); read each against its bug:")
            for name, bug, hint in f["one_change"]:
                print(f"- {name} [{'code fix' if hint.startswith(CODE_FIX) else 'one change'}]\n    bug:  {bug}\n"
                      f"    hint: {hint}")


if __name__ == "__main__":
    main()
