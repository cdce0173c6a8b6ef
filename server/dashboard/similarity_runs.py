"""Similarity runs: request one (the Recompute button), compute it in a queue task, read its pairs.

What is compared: each enrolled student's latest graded submission of the assignment (not every
attempt: an attempt superseded by the student's own next one is not what they stand by), as the
source the grader loads from it (grader.loading: a notebook's code cells, the graded file of a
zip). The assignment's starter code (every .py and notebook in exercises/<exercise>/) is
boilerplate. The scoring is server.dashboard.similarity (copydetect).

The same promise as the grading queue: the run row is committed, then its id enqueued; a worker
claims it with one atomic UPDATE (queued, or running past its lease -> running, new token) and
only the token's holder stores the result, in the transaction that marks the run done and deletes
the assignment's earlier runs. Pressing Recompute while a run is open sends its id again (a lost
message is then recovered; a duplicate is not claimable and does nothing).
"""
from __future__ import annotations

import logging
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, undefer

from ..exercises import exercises_of
from ..models import (Assignment, RunState, SimilarityDocument, SimilarityPair, SimilarityRun, Submission, User,
                      utcnow)
from .latest import latest
from .similarity import Settings, find_similar, normalize

log = logging.getLogger(__name__)
THRESHOLDS = (0.3, 0.5, 0.7, 0.9)         # the list's filters (pairs below 0.3 are not stored)
PAGE_SIZE = 50


def open_run(session: Session, assignment: Assignment) -> SimilarityRun | None:
    return session.scalar(select(SimilarityRun).where(SimilarityRun.open_for == assignment.id))


def current_run(session: Session, assignment: Assignment) -> SimilarityRun | None:
    """The latest finished run: done (its pairs are listed) or failed (its error is shown)."""
    return session.scalar(select(SimilarityRun).where(SimilarityRun.assignment_id == assignment.id,
                                                      SimilarityRun.open_for.is_(None))
                          .order_by(SimilarityRun.id.desc()).limit(1))


def last_done(session: Session, assignment: Assignment) -> SimilarityRun | None:
    return session.scalar(select(SimilarityRun).where(SimilarityRun.assignment_id == assignment.id,
                                                      SimilarityRun.state == RunState.DONE)
                          .order_by(SimilarityRun.id.desc()).limit(1))


def request(session: Session, assignment: Assignment, actor: User) -> tuple[SimilarityRun, bool]:
    """The open run (a new one if none is open), committed; and whether one was already open."""
    existing = open_run(session, assignment)
    if existing is not None:
        return existing, True
    run = SimilarityRun(assignment_id=assignment.id, open_for=assignment.id, requested_by_id=actor.id,
                        settings=Settings().as_dict())
    session.add(run)
    try:
        session.commit()
    except IntegrityError:       # another member of staff pressed it at the same moment: theirs it is
        session.rollback()
        return open_run(session, assignment), True
    return run, False


def claim(session: Session, run_id: int, lease_seconds: float) -> str | None:
    """Take the run for computing: its token, or None if it is done, failed or held by another."""
    now, token = utcnow(), secrets.token_hex(16)
    taken = session.execute(
        update(SimilarityRun).where(SimilarityRun.id == run_id, SimilarityRun.open_for.is_not(None),
                                    or_(SimilarityRun.state == RunState.QUEUED,
                                        and_(SimilarityRun.state == RunState.RUNNING,
                                             SimilarityRun.lease_until < now)))
        .values(state=RunState.RUNNING, token=token, started_at=now,
                lease_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return token if taken == 1 else None


@dataclass
class Document:
    submission_id: int
    user_id: int
    shown_as: str
    source: str


def process(session: Session, run_id: int, *, lease_seconds: float, course=None) -> str:
    """What a worker does with a delivered run id: claim, compare, store. Returns what happened."""
    token = claim(session, run_id, lease_seconds)
    if token is None:
        return "not claimable"
    run = session.get(SimilarityRun, run_id)
    assignment = session.get(Assignment, run.assignment_id)
    held = (SimilarityRun.id == run_id, SimilarityRun.token == token, SimilarityRun.state == RunState.RUNNING)
    started = time.perf_counter()
    try:
        documents, notes = sources(session, assignment)
        starter, starter_notes = starter_code(assignment.exercise, course)
        outcome = find_similar([d.source for d in documents], starter, Settings(**run.settings))
    except Exception as error:  # noqa: BLE001 - ours, not the students': the page shows it, Recompute retries
        log.exception("similarity run %s failed", run_id)
        session.rollback()
        session.execute(update(SimilarityRun).where(*held).values(
            state=RunState.FAILED, open_for=None, lease_until=None, computed_at=utcnow(),
            error=f"{type(error).__name__}: {error}"[:2000]).execution_options(synchronize_session=False))
        session.commit()
        return "failed"
    marked = session.execute(update(SimilarityRun).where(*held).values(
        state=RunState.DONE, open_for=None, lease_until=None, computed_at=utcnow(), compared=len(documents),
        scored=outcome.candidates, pairs_found=len(outcome.matches), notes=notes + starter_notes,
        seconds=round(time.perf_counter() - started, 2)).execution_options(synchronize_session=False)).rowcount
    if marked != 1:
        session.rollback()           # the lease ran out and another worker took the run over: theirs it is
        return "superseded"
    _store(session, run, documents, outcome.matches)
    session.commit()
    return "done"


def _store(session: Session, run: SimilarityRun, documents: list[Document], matches) -> None:
    """The run's documents and pairs; the assignment's earlier runs (and so their pairs) go."""
    rows = [SimilarityDocument(run_id=run.id, submission_id=d.submission_id, user_id=d.user_id,
                               shown_as=d.shown_as, source=d.source) for d in documents]
    session.add_all(rows)
    session.flush()
    if matches:
        session.execute(insert(SimilarityPair), [
            {"run_id": run.id, "document_a_id": rows[m.a].id, "document_b_id": rows[m.b].id,
             "similarity": m.similarity, "similarity_a": m.similarity_a, "similarity_b": m.similarity_b,
             "overlap": m.overlap, "regions_a": m.regions_a, "regions_b": m.regions_b} for m in matches])
    earlier = select(SimilarityRun.id).where(SimilarityRun.assignment_id == run.assignment_id,
                                             SimilarityRun.id != run.id, SimilarityRun.open_for.is_(None))
    for model in (SimilarityPair, SimilarityDocument):
        session.execute(delete(model).where(model.run_id.in_(earlier)).execution_options(synchronize_session=False))
    session.execute(delete(SimilarityRun).where(SimilarityRun.id.in_(earlier.scalar_subquery()))
                    .execution_options(synchronize_session=False))


def sources(session: Session, assignment: Assignment) -> tuple[list[Document], list[str]]:
    """Each student's latest graded submission as the source the grader would load; notes on those
    that could not be read as code (they are left out)."""
    from grader.loading import load_submission
    from grader.submission import SubmissionError
    last = latest(assignment)
    rows = session.execute(select(Submission.id, Submission.user_id, Submission.filename, Submission.content)
                           .join(last, last.c.submission_id == Submission.id).order_by(Submission.id)).all()
    documents, notes = [], []
    wanted = {name for exercise in exercises_of(assignment.exercise) for name in exercise.functions}
    with tempfile.TemporaryDirectory(prefix="grader-similarity-") as folder:
        for index, (submission_id, user_id, filename, content) in enumerate(rows):
            work = Path(folder) / str(index)
            work.mkdir()
            path = work / _safe_name(filename)
            path.write_bytes(content)
            try:
                loaded = load_submission(path, work / "out", wanted)
                text, shown_as = loaded.source.decode("utf-8", errors="replace"), _shown_as(filename, loaded)
            except SubmissionError as error:
                if path.suffix != ".py":
                    notes.append(f"submission {submission_id} left out: {_first_line(error)}")
                    continue
                # A file that does not compile can still be a copy: compare its text.
                text, shown_as = content.decode("utf-8", errors="replace"), filename
            except Exception as error:  # noqa: BLE001 - one unreadable upload must not sink the class's run
                notes.append(f"submission {submission_id} left out: {type(error).__name__}: {_first_line(error)}")
                continue
            documents.append(Document(submission_id, user_id, shown_as[:255], normalize(text)))
    return documents, notes


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [""])[0][:200]


def _safe_name(filename: str) -> str:
    from ..queue.grading import safe_filename
    return safe_filename(filename)


def _shown_as(filename: str, loaded) -> str:
    if filename.lower().endswith(".ipynb"):
        return f"{filename} (its code cells, as graded)"
    if filename.lower().endswith(".zip"):
        return f"{filename}: {loaded.path.name} (the file graded)"
    return filename


def starter_code(exercise: str, course=None) -> tuple[list[str], list[str]]:
    """The texts every student is given for the exercise: the stubs and the notebook's code."""
    from grader.course import CourseNotFound, find_course
    from grader.loading import load_submission
    try:
        folder = find_course(course).exercises_dir / exercise
    except CourseNotFound as error:
        return [], [f"the starter code was not found, so it is not excluded ({str(error).splitlines()[0]})"]
    texts = [file.read_text(encoding="utf-8", errors="replace") for file in sorted(folder.glob("*.py"))]
    with tempfile.TemporaryDirectory(prefix="grader-starter-") as work:
        for notebook in sorted(folder.glob("*.ipynb")):
            texts.append(load_submission(notebook, Path(work)).source.decode("utf-8", errors="replace"))
    if not texts:
        return [], [f"no starter code in {folder}, so none is excluded"]
    return texts, []


# --- what the pages read ---------------------------------------------------------------------

@dataclass
class Row:
    pair_id: int
    similarity: float
    similarity_a: float
    similarity_b: float
    overlap: int
    user_a: User
    user_b: User
    submission_a: int
    submission_b: int


def top_pairs(session: Session, run: SimilarityRun, minimum: float, page: int) -> tuple[list[Row], int]:
    """One page of the run's pairs at least `minimum` alike, most alike first; and how many there are."""
    doc_a, doc_b = aliased(SimilarityDocument), aliased(SimilarityDocument)
    user_a, user_b = aliased(User), aliased(User)
    where = (SimilarityPair.run_id == run.id, SimilarityPair.similarity >= minimum)
    total = session.scalar(select(func.count()).select_from(SimilarityPair).where(*where))
    rows = session.execute(
        select(SimilarityPair.id, SimilarityPair.similarity, SimilarityPair.similarity_a, SimilarityPair.similarity_b,
               SimilarityPair.overlap, user_a, user_b, doc_a.submission_id, doc_b.submission_id)
        .join(doc_a, doc_a.id == SimilarityPair.document_a_id).join(doc_b, doc_b.id == SimilarityPair.document_b_id)
        .join(user_a, user_a.id == doc_a.user_id).join(user_b, user_b.id == doc_b.user_id)
        .where(*where).order_by(SimilarityPair.similarity.desc(), SimilarityPair.overlap.desc(), SimilarityPair.id)
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return [Row(*row) for row in rows], total


def threshold_counts(session: Session, run: SimilarityRun) -> dict[float, int]:
    """How many of the run's pairs reach each threshold (one query)."""
    sums = [func.sum(case((SimilarityPair.similarity >= t, 1), else_=0)) for t in THRESHOLDS]
    values = session.execute(select(*sums).where(SimilarityPair.run_id == run.id)).one()
    return {t: int(v or 0) for t, v in zip(THRESHOLDS, values)}


def newer_than(session: Session, assignment: Assignment, run: SimilarityRun) -> int:
    """Students whose latest graded submission is not one the run compared (graded since)."""
    last = latest(assignment)
    compared = select(SimilarityDocument.submission_id).where(SimilarityDocument.run_id == run.id)
    return session.scalar(select(func.count()).select_from(last).where(last.c.submission_id.not_in(compared)))


def pair_with_sources(session: Session, pair_id: int) -> SimilarityPair | None:
    """A pair with both documents' sources and the regions, for the side-by-side page."""
    return session.scalar(select(SimilarityPair).where(SimilarityPair.id == pair_id)
                          .options(undefer(SimilarityPair.regions_a), undefer(SimilarityPair.regions_b)))
