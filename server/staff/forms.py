"""Staff forms: courses, rosters, staff members, assignments, extensions. Every field is bounded."""
from __future__ import annotations

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, EmailField, FloatField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..exercises import catalogue, exercises_of


SLUG = Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$", message="Use lower-case letters, digits and dashes, e.g. cs231n-2026.")


def _zone(form, field) -> None:
    if field.data not in available_timezones():
        raise ValidationError(f"{field.data!r} is not a time zone name; use one like Europe/Paris or UTC.")


def zone_choices() -> list[SelectChoice]:
    """Every IANA time zone, UTC first, then by name (a select: a typo cannot become a course's zone)."""
    return [SelectChoice("UTC")] + [SelectChoice(zone) for zone in sorted(available_timezones()) if zone != "UTC"]


class CourseForm(FlaskForm):
    code = StringField("Short code (in addresses)", validators=[DataRequired(), SLUG])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    timezone = SelectField("Time zone (deadlines are shown and entered in it)", default="UTC",
                           validators=[DataRequired(), _zone], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()


class RosterForm(FlaskForm):
    roster = FileField("Roster CSV (columns: name, email, student_id)", validators=[FileRequired()])
    email_invitations = BooleanField("Email each new student their invitation link")


class StaffForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=[SelectChoice("ta", "TA"), SelectChoice("instructor", "Instructor")])


def function_choices() -> list[SelectChoice]:
    found = catalogue()
    return [SelectChoice(name, f"{assignment}: {name}") for assignment in found.names()
            for exercise in found[assignment] for name in exercise.functions]


class AssignmentForm(FlaskForm):
    slug = StringField("Short name (for grade submit --assignment)", validators=[DataRequired(), SLUG])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    exercise = SelectField("Exercise set", choices=[])
    functions = SelectMultipleField("Only these functions (none selected: all of the set)", choices=[],
                                    validators=[Optional()])
    points = FloatField("Points", default=100, validators=[DataRequired(), NumberRange(min=0.01, max=10000)])
    opens_at = DateTimeLocalField("Opens (course time; empty: now)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    due_at = DateTimeLocalField("Due (course time)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    late_penalty_percent = FloatField("Late penalty, % per day started", default=0,
                                      validators=[Optional(), NumberRange(min=0, max=100)])
    late_days_allowed = IntegerField("Late days accepted (then closed)", default=0,
                                     validators=[Optional(), NumberRange(min=0, max=365)])
    submission_limit = IntegerField("Submission limit (empty: unlimited)", validators=[Optional(),
                                                                                      NumberRange(min=1, max=1000)])
    limit_period = SelectField("Limit counts", choices=[SelectChoice("total", "in total"),
                                                        SelectChoice("day", "per day")])
    grade_policy = SelectField("The grade that counts", default="best", choices=[
        SelectChoice("best", "best graded submission"), SelectChoice("latest", "latest graded submission"),
        SelectChoice("active", "the submission the student marks as active")])
    precheck_uploads = BooleanField("Refuse ungradable files at upload (syntax errors, broken notebooks, "
                                    "another assignment's code) without using an attempt", default=True)
    published = BooleanField("Published (students see it)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.functions.choices = function_choices()
        self.exercise.choices = [SelectChoice(name) for name in catalogue().names()]

    def validate_functions(self, field) -> None:
        chosen = field.data or []
        allowed = {name for exercise in exercises_of(self.exercise.data) for name in exercise.functions}
        wrong = [name for name in chosen if name not in allowed]
        if wrong:
            raise ValidationError(f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not in the "
                                  f"{self.exercise.data} set.")

    def validate_due_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError("The due date must come after the opening date.")


class ExtensionForm(FlaskForm):
    email = EmailField("Student's email", validators=[DataRequired(), Length(max=254)])
    due_at = DateTimeLocalField("Their new deadline (course time)", format="%Y-%m-%dT%H:%M",
                                validators=[DataRequired()])
    reason = TextAreaField("Reason (kept in the audit log)", validators=[Optional(), Length(max=500)])
