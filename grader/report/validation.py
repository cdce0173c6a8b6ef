"""`grade validate`'s report: the tables an author reads (grader.validate returns the data)."""
from __future__ import annotations


def format_validation(result) -> str:
    """The validation of one assignment as text: reference runs, the mistake table, edge cases,
    the stub, and every problem, last, with what to fix."""
    lines = [f"== {result.assignment}"]
    if result.reference_scores:
        runs = ", ".join(f"seed {seed}: {score:g}/{top:g}" for seed, score, top in result.reference_scores)
        lines.append(f"reference: {runs}")
    if result.edge_cases:
        lines.append(f"configurations: {result.edge_cases} public and hidden cases drawn and run through the reference")
    if result.mistakes:
        width = max(len("mistake"), *(len(row.mistake) for row in result.mistakes))
        where = max(len("caught by"), *(len(f"{row.function} / {row.caught_by}") for row in result.mistakes))
        of = max(len("of"), *(len(row.of) for row in result.mistakes))
        lines.append("")
        lines.append(f"  {'mistake':<{width}}  {'of':<{of}}  {'caught by':<{where}}  named as")
        for row in result.mistakes:
            caught = f"{row.function} / {row.caught_by}" if row.caught_by else "NOT CAUGHT"
            named = ", ".join(row.named_as) or "-"
            mark = "ok" if row.ok else "FAIL"
            lines.append(f"  {row.mistake:<{width}}  {row.of:<{of}}  {caught:<{where}}  {named}  [{mark}]")
        lines.append("")
    if result.stub_score is not None:
        lines.append(f"stub: {result.stub_score[0]:g}/{result.stub_score[1]:g}")
    failing = [row for row in result.mistakes if not row.ok]
    for row in failing:
        if row.caught_by is None:
            lines.append(f"problem: {row.exercise}'s mistake {row.mistake} ({row.of}) is not caught by any check of "
                         f"{row.function}: it equals the right answer on every case, or the checks miss it.")
        else:
            lines.append(f"problem: {row.exercise}'s mistake {row.mistake} is caught by {row.function} / {row.caught_by} "
                         f"but named {', '.join(row.named_as) or 'nothing'}: an earlier candidate or a generic "
                         "diagnosis matches it first.")
    lines.extend(f"problem: {problem}" for problem in result.problems)
    lines.append("valid" if result.ok else f"NOT VALID: {len(result.problems) + len(failing)} problem(s)")
    return "\n".join(lines)
