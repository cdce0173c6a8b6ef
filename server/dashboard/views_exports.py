"""Views: the export page and its downloads."""
from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import current_user

from ..authz import assignment_for
from ..extensions import db
from . import bp, exports


@bp.get("/assignments/<int:assignment_id>/export")
def exports_page(assignment_id: int):
    """Links to every export of the assignment's grades."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    return render_template("dashboard/exports.html", assignment=assignment, course=assignment.course,
                           formats=exports.FORMATS)


@bp.get("/assignments/<int:assignment_id>/export/<kind>")
def export(assignment_id: int, kind: str):
    """One export as a download: canvas, csv or json."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    if kind not in exports.FORMATS:
        abort(404, f"There is no export {kind!r}; choose one of {', '.join(exports.FORMATS)}.")
    mimetype, suffix = exports.FORMATS[kind]
    return Response(exports.export(db.session, assignment, kind), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{assignment.slug}-{suffix}"'})
