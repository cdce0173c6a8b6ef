"""The instructor dashboard: what the class scored, what it gets wrong, submissions in detail,
manual adjustments, regrades and exports. Staff only; every view asks server.authz.

One concern per module: latest.py (the latest submissions every query starts from), overview.py,
grid.py, mistakes.py and gradients.py (SQL aggregates), detail.py (a submission for staff),
adjust.py, exports.py, regrade.py; views in views_*.py, templates in templates/dashboard/.
"""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("dashboard", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def require_login() -> None:
    """Every dashboard page needs a logged-in user; authz decides the rest per course."""


TABS = [("dashboard.assignment_overview", "Overview"), ("dashboard.class_mistakes", "What the class gets wrong"),
        ("dashboard.class_progress", "Attempts until it passes"), ("dashboard.regrade_page", "Regrade"),
        ("dashboard.similarity_page", "Similarity"), ("dashboard.exports_page", "Export")]


@bp.context_processor
def tabs() -> dict:
    """The dashboard's pages of an assignment, for the tab bar (those that exist in this version)."""
    from flask import current_app
    return {"dashboard_tabs": [(e, label) for e, label in TABS if e in current_app.view_functions]}


@bp.app_template_global()
def submission_link(submission_id: int) -> str:
    """Where the dashboard sends staff for one submission."""
    from flask import url_for
    return url_for("dashboard.submission_detail", submission_id=submission_id)


def chart_number(value, percent: bool = False) -> str:
    """A number in a chart's table: percentages with one decimal, counts as integers."""
    if value is None:
        return "—"
    if percent:
        return f"{100 * value:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def zip_rows(labels, values) -> list:
    """Chart rows from labels and one series: [(label, [value]), ...]."""
    return [(label, [value]) for label, value in zip(labels, values)]


def init_app(app) -> None:
    """Register the blueprint and the queue task that regrades one item of a dry run."""
    app.add_template_filter(chart_number, "chart_number")
    app.add_template_filter(zip_rows, "zip_rows")
    app.register_blueprint(bp)
    queue = app.extensions["grading_queue"]

    @queue.huey.task(name="regrade_item")
    def regrade_item(item_id: int) -> None:
        from .regrade import process
        from ..extensions import db
        with app.app_context():
            process(db.session, item_id, secret=app.config["GRADING_SECRET"],
                    options=queue.grader_call_options(), lease_seconds=app.config["GRADING_LEASE_SECONDS"])

    app.extensions["dashboard_regrade_task"] = regrade_item

    @queue.huey.task(name="similarity_run")
    def similarity_run(run_id: int) -> None:
        from .similarity_runs import process
        from ..extensions import db
        with app.app_context():
            process(db.session, run_id, course=queue.grader_call_options().get("course"),
                    lease_seconds=app.config.get("SIMILARITY_LEASE_SECONDS", 1800))

    app.extensions["dashboard_similarity_task"] = similarity_run


from . import views_detail, views_exports, views_overview, views_regrade, views_similarity  # noqa: E402,F401
