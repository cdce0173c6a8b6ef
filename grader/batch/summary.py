"""What `grade batch` shows a person: a progress line on stderr, a table of students at the end."""
from __future__ import annotations

from typing import TextIO

from .outputs import BatchRow


class ProgressLine:
    """A progress callback: one line redrawn in place on a terminal, one line per student otherwise."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.tty = stream.isatty()
        self.width = 0

    def __call__(self, row: BatchRow, done: int, total: int) -> None:
        what = "already graded" if row.reused else row.status
        line = f"[{done}/{total}] {row.student}: {what}"
        if self.tty:
            line = line[:100]
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
            if done == total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def format_table(rows: list[BatchRow]) -> str:
    """student, score/max, status, failed checks, time: one line each, columns aligned."""
    header = ("student", "score", "status", "failed", "time")
    lines = [header]
    for row in rows:
        score = "-" if row.score is None else f"{row.score:g}/{row.max_score:g}"
        failed = "-" if row.failed is None else str(row.failed)
        time = "reused" if row.reused else f"{row.seconds:.1f}s"
        status = row.status if len(row.status) <= 60 else row.status[:57] + "..."
        lines.append((row.student, score, status, failed, time))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
                     for line in lines)


def format_totals(rows: list[BatchRow], csv_path) -> str:
    graded = sum(row.graded for row in rows)
    reused = sum(row.reused for row in rows)
    text = f"{graded} of {len(rows)} submissions graded"
    if reused:
        text += f" ({reused} unchanged since the last run, not regraded; --force regrades them)"
    if graded < len(rows):
        text += f"; {len(rows) - graded} could not be graded (status 'error' in {csv_path})"
    return text + f". Grades: {csv_path}"
