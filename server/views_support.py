"""What every template may use: times in the course's zone, scores, the current user's courses."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from . import policy
from .auth.forms import EmptyForm


def local_time(moment: datetime | None, tz: str = "UTC", with_zone: bool = True) -> str:
    if moment is None:
        return "—"
    text = policy.show(moment, tz)
    return text if with_zone else text.rsplit(" (", 1)[0]


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def points(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def init_app(app) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(iso, "iso")
    app.add_template_filter(points, "points")

    @app.context_processor
    def site():
        return {"site_name": current_app.config["SITE_NAME"], "button_form": EmptyForm(),
                "zone": lambda tz: ZoneInfo(tz)}
