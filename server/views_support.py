"""What every template may use: times in the course's zone, how far a deadline is, scores."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, redirect, url_for

from . import policy
from .gradebook import show
from .auth.forms import EmptyForm
from .models import utcnow
from .report_view import graph_views


def local_time(moment: datetime | None, tz: str = "UTC", with_zone: bool = True) -> str:
    if moment is None:
        return "—"
    text = policy.show(moment, tz)
    return text if with_zone else text.rsplit(" (", 1)[0]


def relative(moment: datetime | None) -> str:
    """'in 2 days 3 h', 'in 42 min', '5 min ago': how far a deadline is, at a glance."""
    if moment is None:
        return ""
    seconds = (moment - utcnow()).total_seconds()
    left = abs(seconds)
    days, hours, minutes = int(left // 86400), int(left % 86400 // 3600), int(left % 3600 // 60)
    if days:
        text = f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours and days < 3 else "")
    elif hours:
        text = f"{hours} h {minutes} min"
    else:
        text = f"{max(minutes, 1)} min"
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def points(value: float | None) -> str:
    """A score or a number of points, rounded as every grade is (server.gradebook.show)."""
    if value is None:
        return "—"
    return show(value)


def queue_health_now():
    """The queue's health for the staff pages' stalled-grading banner (a few indexed counts)."""
    from .extensions import db
    from .queue.health import queue_health
    return queue_health(db.session, current_app.config["GRADING_HEARTBEAT_SECONDS"])


def favicon():
    """Browsers and tools that ask for /favicon.ico whatever the page says get the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


def init_app(app) -> None:
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.add_template_global(queue_health_now, "queue_health_now")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(points, "points")
    app.add_template_filter(relative, "relative")
    app.add_template_filter(graph_views, "staged_graphs")

    @app.context_processor
    def site():
        # formdata=None: the buttons only render a token, never read the request (whose body may be
        # what an error page is about, e.g. an upload over MAX_CONTENT_LENGTH).
        return {"site_name": current_app.config["SITE_NAME"], "button_form": EmptyForm(formdata=None)}
