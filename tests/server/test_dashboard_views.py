"""The dashboard's pages in the test client: who may see them, and that they show the class's numbers."""
from __future__ import annotations

import re

import pytest

from server.models import Role
from server.extensions import db
from tests.server.dashboard_class import GRADIENTS, make_user, seed_class


@pytest.fixture
def seeded(app):
    with app.app_context():
        seeded = seed_class()
        from server.models import Course
        other = Course(code="elsewhere", title="Elsewhere")
        db.session.add(other)
        db.session.flush()
        make_user("stranger@uni.test", Role.INSTRUCTOR, other, "Stranger")
        db.session.commit()
        return seeded


def pages(seeded):
    a = seeded.assignment_id
    latest = next(s.latest for s in seeded.students if s.latest)
    return [f"/staff/assignments/{a}/dashboard", f"/staff/assignments/{a}/dashboard?sort=final&dir=desc&show=late",
            f"/staff/assignments/{a}/mistakes", f"/staff/assignments/{a}/mistakes/dx_sign?function=mul_backward",
            *extra_pages(seeded, latest)]


def extra_pages(seeded, latest) -> list[str]:
    """Pages added by later parts of the dashboard (kept here so every test below covers them)."""
    a = seeded.assignment_id
    return [f"/staff/submissions/{latest.submission_id}", f"/staff/assignments/{a}/export",
            f"/staff/assignments/{a}/export/canvas", f"/staff/assignments/{a}/export/json",
            f"/staff/assignments/{a}/gradients/mul_backward/db"]


def test_staff_see_every_page(client, auth, seeded):
    auth.login(seeded.ta_email)
    for url in pages(seeded):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>" not in response.data and b" style=" not in response.data, url   # the CSP allows neither


@pytest.mark.parametrize("who", ["s00@uni.test", "stranger@uni.test"])
def test_students_and_other_courses_staff_get_404(client, auth, seeded, who):
    auth.login(who)
    for url in pages(seeded):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, seeded):
    response = client.get(pages(seeded)[0])
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_overview_shows_the_counts(client, auth, seeded):
    auth.login(seeded.ta_email)
    html = client.get(f"/staff/assignments/{seeded.assignment_id}/dashboard").get_data(as_text=True)
    never = sum(1 for s in seeded.students if s.latest is None)
    assert re.search(rf'id="stat-not-submitted">{never}<', html)
    assert re.search(rf'id="stat-enrolled">{len(seeded.students)}<', html)
    latest = seeded.students[0].latest.submission_id
    assert f'/submissions/{latest}"' in html
    assert "in the student's grade of record (policy: best)" in html    # the rule the grid's cells follow


def test_mistake_page_lists_the_students(client, auth, seeded):
    auth.login(seeded.ta_email)
    who = {}
    for s in seeded.students:
        for r in (s.latest.rows if s.latest else []):
            if r.mistake:
                who.setdefault((r.function, r.mistake), set()).add(s.email)
    (function, mistake), expected = max(who.items(), key=lambda item: len(item[1]))
    html = client.get(f"/staff/assignments/{seeded.assignment_id}/mistakes/{mistake}?function={function}"
                      ).get_data(as_text=True)
    assert set(re.findall(r'data-user="([^"]+)"', html)) == expected
    assert f'id="affected-count">{len(expected)}<' in html


def test_gradient_heat_map_shows_the_shares_and_links_to_the_students(client, auth, seeded):
    auth.login(seeded.ta_email)
    students, wrong = {}, {}
    for s in seeded.students:
        for r in (s.latest.rows if s.latest else []):
            students.setdefault(r.function, set()).add(s.email)
            if r.status in ("failed", "error", "timeout"):
                for gradient in r.wrong_gradients:
                    wrong.setdefault((r.function, gradient), set()).add(s.email)
    html = client.get(f"/staff/assignments/{seeded.assignment_id}/mistakes").get_data(as_text=True)
    heat = html[html.index('id="gradient-heatmap"'):]
    heat = heat[:heat.index("</table>")]
    cells = re.findall(r'data-function="(\w+)" data-gradient="(\w+)"\s+data-wrong="(\d+)" data-students="(\d+)"', heat)
    assert {(f, g): (int(w), int(n)) for f, g, w, n in cells} == {
        (f, g): (len(wrong.get((f, g), ())), len(students[f])) for f in GRADIENTS for g in GRADIENTS[f]}
    (function, gradient), expected = max(wrong.items(), key=lambda item: len(item[1]))
    link = f"/staff/assignments/{seeded.assignment_id}/gradients/{function}/{gradient}"
    assert f'href="{link}"' in heat and f">{int(100 * len(expected) / len(students[function]) + 0.5)}%</a>" in heat   # rounded as Jinja does
    page = client.get(link).get_data(as_text=True)
    assert set(re.findall(r'data-user="([^"]+)"', page)) == expected
    assert f'id="affected-count">{len(expected)}<' in page


@pytest.mark.parametrize("where", ["mul_backward/dx", "mul_forward/da", "nope/db"])
def test_a_gradient_the_assignment_does_not_have_is_404(client, auth, seeded, where):
    auth.login(seeded.ta_email)
    assert client.get(f"/staff/assignments/{seeded.assignment_id}/gradients/{where}").status_code == 404
