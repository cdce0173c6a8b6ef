"""Invitations by email through a real SMTP conversation with a local sink: the roster import's
new students get their own link, a refused address is reported while the others are sent, and the
course page can email fresh links; without a mail server the links are still shown to copy."""
from __future__ import annotations

import io
import re

import pytest

from tests.server.smtp_sink import start_sink


@pytest.fixture
def smtp():
    sink, server = start_sink()
    yield sink
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_SECURITY": "none",
            "MAIL_FROM": "grader@uni.test"}


def roster(client, world, email: bool):
    data = {"roster": (io.BytesIO(b"name,email,student_id\nCy Doe,cy@uni.test,42\nDee,dee@uni.test,43\n"),
                       "roster.csv")}
    if email:
        data["email_invitations"] = "y"
    return client.post(f"/staff/courses/{world.course_id}/roster", data=data, content_type="multipart/form-data")


def test_a_roster_import_emails_each_new_student_their_link(client, auth, world, smtp):
    smtp.refuse.add("dee@uni.test")
    auth.login(world.emails["instructor"])
    page = roster(client, world, email=True).get_data(as_text=True)
    assert "Emailed 1 invitation(s)" in page and "dee@uni.test (the mail server refused the address)" in page
    [received] = smtp.messages
    assert received.recipients == ["cy@uni.test"] and received.sender == "grader@uni.test"
    link = re.search(r"(http://grader\.test/invite/\S+)", received.message.get_content()).group(1)
    assert link in page                                  # the same link, also shown to copy or download
    assert "Cy Doe" in received.message["To"] and "Backprop 101" in received.message["Subject"]
    auth.logout()
    assert client.get(link.replace("http://grader.test", "")).status_code == 200     # the link works


def test_the_course_page_emails_fresh_links_to_everyone_without_a_password(client, auth, world, smtp):
    auth.login(world.emails["instructor"])
    roster(client, world, email=False)
    assert smtp.messages == []
    answer = client.post(f"/staff/courses/{world.course_id}/invitations", data={"by": "email"}, follow_redirects=True)
    assert "Invitations emailed to 2 people." in answer.get_data(as_text=True)
    assert sorted(r for m in smtp.messages for r in m.recipients) == ["cy@uni.test", "dee@uni.test"]


def test_without_a_mail_server_links_are_shown_to_copy_and_emailing_says_what_to_set(app, client, auth, world):
    app.config["SMTP_HOST"] = None
    auth.login(world.emails["instructor"])
    page = roster(client, world, email=True).get_data(as_text=True)
    assert "Emailed" not in page and 'data-copy="#invitation-csv"' in page
    assert re.search(r"Cy Doe,cy@uni.test,http://grader.test/invite/\S+", page)
    answer = client.post(f"/staff/courses/{world.course_id}/invitations", data={"by": "email"}, follow_redirects=True)
    assert "set GRADER_SMTP_HOST and GRADER_MAIL_FROM" in answer.get_data(as_text=True)


def test_an_unreachable_mail_server_is_reported_for_every_address():
    from server import mail
    from tests.server.test_serve import free_port
    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": free_port(), "SMTP_SECURITY": "none", "SMTP_TIMEOUT": 2,
              "MAIL_FROM": "grader@uni.test", "SITE_NAME": "Grader"}
    messages = [mail.invitation(config, name="", email=e, link="http://x/invite/t", course_title="C", days=3)
                for e in ("a@uni.test", "b@uni.test")]
    sent = mail.send_all(config, messages)
    assert sent.delivered == [] and [who for who, _ in sent.failed] == ["a@uni.test", "b@uni.test"]
    assert all("could not be used" in why for _, why in sent.failed)
