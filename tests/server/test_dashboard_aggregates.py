"""Every dashboard aggregate on a seeded class, against answers computed here in plain Python."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from server import gradebook
from server.dashboard import grid as grid_queries
from server.dashboard import gradients, mistakes, overview
from server.extensions import db
from server.models import Assignment
from tests.server.dashboard_class import CHECKS, DUE, FUNCTIONS, GRADIENTS, seed_class

FAILING = {"failed", "error", "timeout"}


@pytest.fixture
def seeded(app):
    with app.app_context():
        return seed_class()


def final(student) -> float:
    """The student's grade of record (the default policy: their best final score)."""
    return student.final(student.record)


def graded(seeded):
    return [s for s in seeded.students if s.latest is not None]


def test_counts(app, seeded):
    with app.app_context():
        got = overview.counts(db.session, db.session.get(Assignment, seeded.assignment_id))
    counted = [a for s in seeded.students for a in s.attempts if a.status == "graded"]
    assert got.enrolled == len(seeded.students)
    assert got.submitted == len({s.email for s in seeded.students if s.latest})
    assert got.not_submitted == sum(1 for s in seeded.students if s.latest is None) >= 2   # never, and only error
    assert got.submissions == len(counted)
    assert got.late_submissions == sum(1 for a in counted if a.late_days > 0) > 0
    assert got.late_students == sum(1 for s in graded(seeded) if s.record.late_days > 0)
    assert got.mean == pytest.approx(sum(final(s) for s in graded(seeded)) / len(graded(seeded)))


def test_distribution(app, seeded):
    with app.app_context():
        bins = overview.distribution(db.session, db.session.get(Assignment, seeded.assignment_id))
    expected = Counter(min(math.floor(final(s) * 10 / seeded.points), 9) for s in graded(seeded))
    assert [b.count for b in bins] == [expected.get(i, 0) for i in range(10)]
    assert bins[0].low == 0 and bins[-1].high == seeded.points


def test_timeline_counts_per_bucket_in_the_course_zone(app, seeded):
    with app.app_context():
        buckets, unit = overview.timeline(db.session, db.session.get(Assignment, seeded.assignment_id),
                                          "Europe/Paris")
    moments = [a.submitted_at for s in seeded.students for a in s.attempts if a.status == "graded"]
    assert unit == ("hour" if max(moments) - min(moments) <= timedelta(days=3) else "day")

    def bucket(moment):     # Paris is UTC+1 in November
        local = moment + timedelta(hours=1)
        return local.replace(minute=0, second=0, microsecond=0, tzinfo=None) if unit == "hour" else local.date()

    got = {(b.start.replace(tzinfo=None) if unit == "hour" else b.start.date()): b.count for b in buckets if b.count}
    assert got == dict(Counter(bucket(m) for m in moments))
    due = [(b.start.replace(tzinfo=None) if unit == "hour" else b.start.date()) for b in buckets if b.holds_due]
    assert due == [bucket(DUE)]
    assert sum(b.count for b in buckets) == len(moments)


def _grid(app, seeded, **args):
    with app.app_context():
        assignment = db.session.get(Assignment, seeded.assignment_id)
        query = grid_queries.GridQuery.from_args(_Args(args), FUNCTIONS)
        return grid_queries.grid(db.session, assignment, query)


class _Args(dict):
    def get(self, key, default=None, type=None):
        value = super().get(key, default)
        return type(value) if type and value is not None else value


def test_grid_cells_are_the_function_scores_of_record_on_the_assignment_scale(app, seeded):
    got = _grid(app, seeded)
    assert got.functions == FUNCTIONS and got.total == len(seeded.students)
    by_email = {row.email: row for row in got.rows}
    for student in seeded.students:
        row = by_email[student.email]
        if student.latest is None:
            assert row.submission_id is None and row.cells == {}
            continue
        assert row.submission_id == student.record.submission_id
        assert row.final == gradebook.rounded(final(student))
        scale = seeded.points / sum(r.max_score for r in student.record.rows)
        for function in FUNCTIONS:
            rows = [r for r in student.record.rows if r.function == function]
            assert row.cells[function].score == pytest.approx(sum(r.score for r in rows) * scale)
            assert row.cells[function].max_score == pytest.approx(sum(r.max_score for r in rows) * scale)
            assert row.cells[function].failed == sum(1 for r in rows if r.status in FAILING)


def test_grid_sorts_filters_and_pages(app, seeded, monkeypatch):
    by_final = _grid(app, seeded, sort="final", dir="desc")
    finals = [row.final for row in by_final.rows if row.final is not None]
    assert finals == sorted((gradebook.rounded(final(s)) for s in graded(seeded)), reverse=True)
    assert all(row.final is None for row in by_final.rows[len(finals):])       # ungraded last

    by_function = _grid(app, seeded, sort="mul_backward")
    scores = [row.cells["mul_backward"].score for row in by_function.rows if row.cells]
    assert scores == sorted(scores)

    assert {r.email for r in _grid(app, seeded, show="late").rows} == {
        s.email for s in graded(seeded) if s.record.late_days > 0}
    assert {r.email for r in _grid(app, seeded, show="not-submitted").rows} == {
        s.email for s in seeded.students if s.latest is None}
    assert {r.email for r in _grid(app, seeded, q="student 0").rows} == {
        s.email for s in seeded.students if s.name.lower().startswith("student 0")}
    failing_add = {s.email for s in graded(seeded)
                   if any(r.function == "add_backward" and r.status in FAILING for r in s.record.rows)}
    assert failing_add and {r.email for r in _grid(app, seeded, fails="add_backward").rows} == failing_add

    monkeypatch.setattr(grid_queries, "PER_PAGE", 5)
    pages = [_grid(app, seeded, page=p) for p in (1, 2, 3)]
    assert pages[0].pages == 3
    emails = [r.email for page in pages for r in page.rows]
    assert emails == sorted(s.email for s in seeded.students)    # names sort like emails here


def _latest_rows(seeded):
    return [(s, r) for s in graded(seeded) for r in s.latest.rows]


def test_check_fail_rates(app, seeded):
    with app.app_context():
        rates = mistakes.check_rates(db.session, db.session.get(Assignment, seeded.assignment_id))
    students, failing = defaultdict(set), defaultdict(set)
    for s, r in _latest_rows(seeded):
        students[(r.function, r.check)].add(s.email)
        if r.status in FAILING:
            failing[(r.function, r.check)].add(s.email)
    assert {(r.function, r.check): (r.students, r.failing) for r in rates} == {
        key: (len(who), len(failing[key])) for key, who in students.items()}
    assert [r.function for r in rates][:2] == ["add_forward", "add_forward"]     # the grader's order
    heat = mistakes.heatmap(rates)
    assert heat.functions == FUNCTIONS and set(heat.checks) == {c for f in CHECKS for c in CHECKS[f]}
    assert ("add_forward", "gradient") not in heat.cells


def test_mistake_counts_and_who(app, seeded):
    with app.app_context():
        assignment = db.session.get(Assignment, seeded.assignment_id)
        top = mistakes.mistake_counts(db.session, assignment)
        who = mistakes.students_with(db.session, assignment, "dx_sign", "mul_backward")
        anywhere = mistakes.students_with(db.session, assignment, "dx_sign", None)
    with_mistake, failing_function = defaultdict(set), defaultdict(set)
    for s, r in _latest_rows(seeded):
        if r.mistake and r.status in FAILING:        # an unfinished function's not_implemented is not counted
            with_mistake[(r.function, r.mistake)].add(s.email)
        if r.status in FAILING:
            failing_function[r.function].add(s.email)
    assert {(m.function, m.mistake): (m.students, m.failing_function) for m in top} == {
        key: (len(who_), len(failing_function[key[0]])) for key, who_ in with_mistake.items()}
    assert [m.students for m in top] == sorted((m.students for m in top), reverse=True)
    assert all(m.students <= m.failing_function for m in top) and "not_implemented" not in {m.mistake for m in top}
    assert {a.user.email for a in who} == with_mistake[("mul_backward", "dx_sign")]
    assert {a.user.email for a in anywhere} == (with_mistake[("mul_backward", "dx_sign")]
                                                | with_mistake[("add_backward", "dx_sign")])
    latest_ids = {s.latest.submission_id for s in graded(seeded)}
    assert {a.submission_id for a in anywhere} <= latest_ids


def test_gradient_fail_rates_and_who(app, seeded):
    with app.app_context():
        assignment = db.session.get(Assignment, seeded.assignment_id)
        heat = gradients.gradient_heatmap(db.session, assignment, mistakes.check_rates(db.session, assignment))
        who = {key: {a.user.email for a in gradients.students_with_gradient(db.session, assignment, *key)}
               for key in heat.cells}
    graded_function, wrong = defaultdict(set), defaultdict(set)
    for s, r in _latest_rows(seeded):
        graded_function[r.function].add(s.email)
        if r.status in FAILING:
            for gradient in r.wrong_gradients:
                wrong[(r.function, gradient)].add(s.email)
    assert heat.functions == list(GRADIENTS) and heat.gradients == ["da", "db"]
    expected = {(f, g): (len(graded_function[f]), len(wrong[(f, g)])) for f in GRADIENTS for g in GRADIENTS[f]}
    assert {key: (r.students, r.wrong) for key, r in heat.cells.items()} == expected
    assert all(w for _, w in expected.values())        # every cell has someone: the test is not vacuous
    assert who == {key: wrong[key] for key in expected}       # each cell's drill-down: the same students
    named = [r.wrong_gradients for _, r in _latest_rows(seeded) if r.status in FAILING and r.check == "gradient"]
    assert {len(names) for names in named} == {0, 1, 2}      # both, one, and not known all occur


def test_error_histograms(app, seeded):
    with app.app_context():
        histograms = mistakes.error_histograms(db.session, db.session.get(Assignment, seeded.assignment_id))
    expected, zeros = defaultdict(Counter), Counter()
    for _, r in _latest_rows(seeded):
        if r.relative_error:
            expected[r.function][min(max(math.floor(math.log10(r.relative_error)), -16), 1)] += 1
        elif r.relative_error == 0:
            zeros[r.function] += 1
    decades = mistakes.ErrorHistogram.decades()
    assert {h.function: h.counts for h in histograms} == {
        f: [expected[f].get(d, 0) for d in decades] for f in expected}
    assert sum(zeros.values()) > 0 and {h.function: h.exact for h in histograms} == {f: zeros[f] for f in expected}
    assert [h.function for h in histograms] == [f for f in FUNCTIONS if f in expected]


def _submit_at(assignment_id: int, user_id: int, attempt: int, at) -> None:
    from server.models import Submission, SubmissionStatus
    db.session.add(Submission(assignment_id=assignment_id, user_id=user_id, attempt=attempt, filename="g.py",
                              content=b"", sha256="0" * 64, size=0, submitted_at=at,
                              status=SubmissionStatus.GRADED))


@pytest.mark.parametrize("unit", ["day", "hour"])
def test_timeline_buckets_follow_local_time_across_daylight_saving(app, unit):
    from datetime import datetime, timezone
    from server.models import Course, Role
    from tests.server.dashboard_class import make_user
    from tests.server.helpers import make_assignment
    utc = timezone.utc
    with app.app_context():
        course = Course(code="dst", title="DST", timezone="Europe/Paris")
        db.session.add(course)
        db.session.flush()
        student = make_user("dst@uni.test", Role.STUDENT, course, "Dee")
        if unit == "day":      # Paris leaves summer time on 25 Oct 2026 at 03:00 (01:00 UTC)
            moments = [datetime(2026, 10, 22, 21, 30, tzinfo=utc),    # 23:30 on the 22nd (UTC+2)
                       datetime(2026, 10, 25, 22, 30, tzinfo=utc),    # 23:30 on the 25th (UTC+1)
                       datetime(2026, 10, 26, 23, 30, tzinfo=utc)]    # 00:30 on the 27th
            due = datetime(2026, 10, 28, 22, 59, tzinfo=utc)          # 23:59 on the 28th
        else:
            moments = [datetime(2026, 10, 25, 0, 30, tzinfo=utc), datetime(2026, 10, 25, 0, 45, tzinfo=utc),
                       datetime(2026, 10, 25, 1, 10, tzinfo=utc)]     # 02:30, 02:45 CEST; 02:10 CET
            due = datetime(2026, 10, 25, 2, 0, tzinfo=utc)
        assignment = make_assignment(course, slug="dst", due_at=due)
        for attempt, moment in enumerate(moments, 1):
            _submit_at(assignment.id, student.id, attempt, moment)
        db.session.commit()
        buckets, got_unit = overview.timeline(db.session, assignment, "Europe/Paris")
    assert got_unit == unit
    shown = [(b.start.strftime("%d %H:%M %z"), b.count, b.holds_due) for b in buckets]
    if unit == "day":
        assert shown == [("22 00:00 +0200", 1, False), ("23 00:00 +0200", 0, False), ("24 00:00 +0200", 0, False),
                         ("25 00:00 +0200", 1, False), ("26 00:00 +0100", 0, False), ("27 00:00 +0100", 1, False),
                         ("28 00:00 +0100", 0, True)]
    else:   # the hour from 02:00 to 03:00 happens twice that night: once in summer time, once in winter time
        assert shown == [("25 02:00 +0200", 2, False), ("25 02:00 +0100", 1, False), ("25 03:00 +0100", 0, True)]
