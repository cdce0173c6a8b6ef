"""Issue 22, inputs: numbers no column can hold give 404/400 (never a 500 from a driver's overflow),
and an upload's name is stored without control characters and within its 255-character column."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Submission
from tests.server.helpers import PASSWORD, upload
from tests.server.test_permissions import ROUTES, request_as, site  # noqa: F401  (site: a fixture)

HUGE = 10**20
ID_ROUTES = sorted(key for key, route in ROUTES.items() if "{" in route.url)


@pytest.mark.parametrize("endpoint,method", ID_ROUTES)
def test_an_id_no_row_can_have_is_404_on_every_route(site, endpoint, method):  # noqa: F811
    route = ROUTES[(endpoint, method)]
    url = route.url.format(**{name: HUGE for name in site.ids})
    response = request_as(site, "admin", method, url, route.data)
    assert response.status_code == 404, (url, response.status_code, response.data[:300])


@pytest.mark.parametrize("path", ["/staff/assignments/{assignment}/dashboard?page={huge}",
                                  "/staff/assignments/{assignment}/similarity?page={huge}"])
def test_a_page_number_past_any_listing_is_404(site, path):  # noqa: F811
    url = path.format(assignment=site.ids["assignment"], huge=HUGE)
    assert request_as(site, "instructor", "GET", url).status_code == 404
    assert request_as(site, "instructor", "GET", url.replace(str(HUGE), "2")).status_code == 200


def test_an_api_id_argument_past_any_row_is_400(site):  # noqa: F811
    response = request_as(site, "student", "GET", f"/api/v1/submissions?assignment_id={HUGE}")
    assert response.status_code == 400 and "assignment_id" in response.get_json()["message"]
    assert request_as(site, "student", "GET", "/api/v1/submissions?assignment_id=abc").status_code == 400


@pytest.mark.parametrize("sent", ["ev\x00il.py", "a" * 5000 + ".py", "tab\tin name.py", "\x00" * 300 + "x.py"])
def test_an_upload_name_is_stored_clean_and_within_its_column(app, client, auth, world, sent):
    auth.login(world.emails["student"])
    response = client.post(f"/assignments/{world.assignment_id}/submit", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"def add_forward(x, y):\n    return x + y\n"), sent)})
    assert response.status_code == 303 and "/submissions/" in response.headers["Location"], response.data[:300]
    assert client.get(response.headers["Location"]).status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(Submission.filename))
    assert stored.endswith(".py") and len(stored) <= 255
    assert stored.isprintable() and "\x00" not in stored


def test_an_api_upload_name_is_cleaned_the_same_way(app, client, world):
    token = client.post("/api/v1/tokens", json={"email": world.emails["student"], "password": PASSWORD}).get_json()["token"]
    response = client.post(f"/api/v1/assignments/{world.assignment_id}/submissions",
                           headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"def add_forward(a, b):\n    return a + b, None\n"),
                                          "b" * 400 + "\x00.py")})
    assert response.status_code == 202, response.data[:300]
    filename = response.get_json()["filename"]
    assert len(filename) == 255 and filename.endswith(".py") and "\x00" not in filename

