"""Grade every version of a student's file in a git repository and list the failures no hint names.

This is the reading list for a mining round (issue 20). The input is a repository fetched from the
public code index (`fetch github:owner/name` gives a bare git directory under /work/.mirror), or any
git directory. The script takes every distinct version of the files matching a name (history
included: students fix bugs, so earlier versions hold them) and grades each as a submission of the
assignment. For each failing function it reports the first failing check's mistake id, as:
- *named*: an id that claims a cause;
- *neutral*: says what is wrong and where;
- *no hint*.

The neutral and no-hint rows, with the failing line of output, are what a person reads next, to
declare the mistakes they show. Versions are written only to a temporary folder and graded by the
sandbox. Nothing a student wrote is kept, and nothing here may be committed: the corpora hold our
own files, written to make the same mistakes.

    python bench/real_files.py GIT_DIR --name layers.py --assignment layers2 [--latest] [--seed N]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.diagnosis.mistake_ids import is_neutral  # noqa: E402
from grader.engine import grade  # noqa: E402
from grader.results import Status  # noqa: E402

# A function not written yet, or not run because another check failed first, is no mistake to read.
NOT_A_FAILURE = (Status.PASSED, Status.MISSING, Status.SKIPPED)


@dataclass(frozen=True)
class Version:
    commit: str     # the newest commit holding this version
    path: str       # its path in that commit
    blob: str       # git's hash of its content: versions are distinct by content


@dataclass(frozen=True)
class Failure:
    version: Version
    function: str
    check: str
    mistake: str | None
    has_hint: bool
    output: str

    @property
    def verdict(self) -> str:
        if self.mistake and not is_neutral(self.mistake):
            return "named"
        return "neutral" if self.has_hint else "no hint"


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True,
                          check=True).stdout


def versions(git_dir: Path, name: str, latest: bool = False) -> list[Version]:
    """Every distinct content of the files called `name` across the history of HEAD (newest first),
    or only those in HEAD's own tree with `latest`."""
    found: dict[str, Version] = {}
    commits = [_git(git_dir, "rev-parse", "HEAD").strip()] if latest else \
        _git(git_dir, "log", "--format=%H", "HEAD", "--", f"*{name}", name).split()
    for commit in commits:
        for line in _git(git_dir, "ls-tree", "-r", commit).splitlines():
            meta, path = line.split("\t", 1)
            _mode, kind, blob = meta.split()
            if kind == "blob" and Path(path).name == name and blob not in found:
                found[blob] = Version(commit, path, blob)
    return list(found.values())


def failures(git_dir: Path, version: Version, assignment: str, seed: int | None) -> list[Failure]:
    """The first failing check of each function that fails, for one version graded as `assignment`."""
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{assignment}.py"
        submission.write_bytes(subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "blob", version.blob],
                                              capture_output=True, check=True).stdout)
        report = grade(submission, assignment=assignment, seed=seed)
    first: dict[str, Failure] = {}
    for test in report.tests:
        if test.status not in NOT_A_FAILURE and test.function not in first:
            first[test.function] = Failure(version, test.function, test.check, test.mistake, bool(test.hint),
                                           (test.output or "").splitlines()[0][:160] if test.output else "")
    return list(first.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--name", required=True, help="the file's name, e.g. layers.py or rnn_layers.py")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--latest", action="store_true", help="only the version in HEAD, not the history")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    found = versions(args.git_dir, args.name, args.latest)
    counts = {"named": 0, "neutral": 0, "no hint": 0}
    for version in found:
        for failure in failures(args.git_dir, version, args.assignment, args.seed):
            counts[failure.verdict] += 1
            if failure.verdict != "named":
                print(f"{failure.verdict:8s} {version.commit[:8]} {version.path}  {failure.function} / "
                      f"{failure.check}: {failure.mistake or '-'}  {failure.output}")
    total = sum(counts.values())
    print(f"\n{len(found)} versions; {total} failing functions: {counts['named']} named, "
          f"{counts['neutral']} neutral, {counts['no hint']} with no hint")


if __name__ == "__main__":
    main()
