"""The dashboard's forms (Flask-WTF: each carries its CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class AdjustForm(FlaskForm):
    points = FloatField("Adjustment in points (+ or −, added to the automatic score)",
                        validators=[InputRequired(), NumberRange(min=-10000, max=10000)])
    comment = TextAreaField("Why (required; kept in the audit log)", validators=[DataRequired(), Length(max=2000)])
