"""Roster import (re-import updates, never duplicates; bad lines refuse the whole file), invitation
links (once, until they expire, the newest only) and staff added by email."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server import accounts
from server.extensions import db
from server.models import Course, Enrolment, Invitation, Role, User, utcnow
from tests.server.helpers import PASSWORD

NEW_PASSWORD = "a long enough passphrase"


def course(world) -> Course:
    return db.session.get(Course, world.course_id)


def members(world) -> dict[str, tuple[str, str | None, Role]]:
    rows = db.session.execute(select(User.email, User.name, Enrolment.student_number, Enrolment.role)
                              .join(Enrolment).where(Enrolment.course_id == world.course_id)).all()
    return {email: (name, number, role) for email, name, number, role in rows}


@pytest.mark.parametrize("text", [
    "name,email,student_id\nCy Young,Cy@Uni.test,42\n",
    "\ufeffStudent ID,E-mail,Full Name\n42, cy@uni.test ,Cy Young\n",
    "SIS User ID,Name,EMAIL\r\n42,Cy Young,cy@uni.test\r\n\r\n",
])
def test_headers_in_any_case_order_with_a_bom_or_an_alias(app, world, text):
    with app.app_context():
        outcome = accounts.import_roster(db.session, course(world), text, invitation_days=7)
        assert (outcome.created, outcome.updated) == (1, 0)
        assert members(world)["cy@uni.test"] == ("Cy Young", "42", Role.STUDENT)
        assert [email for _, email, _ in outcome.invitations] == ["cy@uni.test"]


def test_reimport_updates_names_and_ids_and_never_duplicates(app, world):
    with app.app_context():
        accounts.import_roster(db.session, course(world), "name,email,student_id\nCy,cy@uni.test,42\n", 7)
        again = accounts.import_roster(db.session, course(world),
                                       "email,name,student_id\nCY@uni.test,Cy Young,43\nana@uni.test,Ana,7\n", 7)
        assert (again.created, again.updated, again.unchanged) == (0, 2, 0)
        assert again.invitations == []           # Cy's first invitation is still live
        assert members(world)["cy@uni.test"] == ("Cy Young", "43", Role.STUDENT)
        assert members(world)["ana@uni.test"][1] == "7"
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "cy@uni.test")) == 1
        same = accounts.import_roster(db.session, course(world), "email,name,student_id\ncy@uni.test,Cy Young,43\n", 7)
        assert (same.created, same.updated, same.unchanged) == (0, 0, 1)


def test_reimport_never_demotes_staff(app, world):
    with app.app_context():
        accounts.import_roster(db.session, course(world), "email,name\nta@uni.test,Tara\n", 7)
        assert members(world)["ta@uni.test"][2] is Role.TA


def test_bad_lines_refuse_the_whole_file_with_their_line_numbers(app, world):
    text = "name,email,student_id\nCy,cy@uni.test,1\nNo Mail,,2\nDi,not-an-email,3\nCy again,CY@uni.test,4\n"
    with app.app_context():
        before = members(world)
        with pytest.raises(accounts.RosterError) as refused:
            accounts.import_roster(db.session, course(world), text, 7)
        message = str(refused.value)
        assert message.startswith("Nothing was imported")
        assert "line 3: (empty)" in message and "line 4: not-an-email" in message
        assert "line 5: cy@uni.test appears twice" in message
        db.session.rollback()
        assert members(world) == before
        assert accounts.user_by_email(db.session, "cy@uni.test") is None


def test_a_roster_without_an_email_column_says_what_it_found(app, world):
    with app.app_context(), pytest.raises(accounts.RosterError, match="Found: name, id"):
        accounts.import_roster(db.session, course(world), "name,id\nCy,1\n", 7)


def upload_roster(client, world, text: bytes):
    return client.post(f"/staff/courses/{world.course_id}/roster", content_type="multipart/form-data",
                       data={"roster": (io.BytesIO(text), "roster.csv")})


def test_the_roster_page_imports_and_shows_invitation_links(app, client, auth, world):
    auth.login(world.emails["instructor"])
    page = upload_roster(client, world, b"name,email,student_id\nCy,cy@uni.test,42\n")
    assert page.status_code == 200 and b"cy@uni.test" in page.data and b"/invite/inv_" in page.data
    refused = upload_roster(client, world, b"name,email\nDi,nope\n")
    assert refused.status_code == 303
    assert b"line 2: nope is not an email address" in client.get(refused.headers["Location"]).data
    latin = upload_roster(client, world, "name,email\nRen\xe9,rene@uni.test\n".encode("latin-1"))
    assert b"not UTF-8" in client.get(latin.headers["Location"]).data
    with app.app_context():
        assert set(members(world)) >= {"cy@uni.test"} and accounts.user_by_email(db.session, "rene@uni.test") is None


def invitation_for(app, world, email: str = "cy@uni.test") -> str:
    with app.app_context():
        outcome = accounts.import_roster(db.session, course(world), f"email\n{email}\n", 7)
        return outcome.invitations[0][2]


def test_an_invitation_link_works_once(app, client, world):
    token = invitation_for(app, world)
    assert client.get(f"/invite/{token}").status_code == 200
    short = client.post(f"/invite/{token}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 200 and b"at least 10 characters" in short.data
    done = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and client.get("/").status_code == 200
    assert app.test_client().get(f"/invite/{token}").status_code == 404
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "cy@uni.test", "password": NEW_PASSWORD}).status_code == 302


def test_an_invitation_expires(app, client, world):
    token = invitation_for(app, world)
    with app.app_context():
        db.session.execute(Invitation.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    page = client.get(f"/invite/{token}")
    assert page.status_code == 404 and b"invitation" in page.data.lower()


def test_a_new_invitation_replaces_the_old(app, client, world):
    old = invitation_for(app, world)
    with app.app_context():
        new = accounts.invite(db.session, accounts.user_by_email(db.session, "cy@uni.test"), days=7)
        db.session.commit()
    assert client.get(f"/invite/{old}").status_code == 404
    assert client.get(f"/invite/{new}").status_code == 200


def test_fresh_invitation_links_as_csv(app, client, auth, world):
    old = invitation_for(app, world)
    auth.login(world.emails["instructor"])
    response = client.post(f"/staff/courses/{world.course_id}/invitations")
    assert response.mimetype == "text/csv" and b"cy@uni.test" in response.data
    assert b"ana@uni.test" not in response.data          # she has a password
    assert client.get(f"/invite/{old}").status_code == 404


def test_staff_are_added_by_email(app, client, auth, world):
    auth.login(world.emails["instructor"])
    response = client.post(f"/staff/courses/{world.course_id}/staff", data={"email": "Tess@Uni.test", "role": "ta"})
    assert response.status_code == 303
    flashed = client.get(response.headers["Location"]).data
    assert b"tess@uni.test is now TA" in flashed and b"/invite/inv_" in flashed
    promoted = client.post(f"/staff/courses/{world.course_id}/staff",
                           data={"email": world.emails["other"], "role": "instructor"})
    assert b"is now an instructor" in client.get(promoted.headers["Location"]).data
    assert b"/invite/" not in client.get("/").data
    with app.app_context():
        assert members(world)["tess@uni.test"][2] is Role.TA
        assert members(world)[world.emails["other"]][2] is Role.INSTRUCTOR
    client.post("/logout")
    assert client.post("/login", data={"email": world.emails["other"], "password": PASSWORD}).status_code == 302
    assert client.get(f"/staff/assignments/{world.assignment_id}/edit").status_code == 200
