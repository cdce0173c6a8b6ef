"""Staff forms: a course's time zone is chosen from a list (a typo cannot become a course's zone)."""
from __future__ import annotations

import re


def test_the_course_form_offers_the_time_zones_as_a_select(client, auth, world):
    auth.login(world.emails["admin"])
    page = client.get("/staff/courses/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="timezone"[^>]*>(.*?)</select>', page, re.S)
    assert select and select.group(1).count("<option") > 300 and 'value="Europe/Paris"' in select.group(1)
    assert re.search(r'<option selected value="UTC">|<option value="UTC" selected>', select.group(1))
    refused = client.post("/staff/courses/new", data={"code": "cs1", "title": "T", "timezone": "Europe/Pariss"})
    assert refused.status_code == 200 and b"is not a time zone name" in refused.data
    created = client.post("/staff/courses/new", data={"code": "cs1", "title": "T", "timezone": "Asia/Tokyo"})
    assert created.status_code == 302
