"""The forms of the auth pages (Flask-WTF: each carries its CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in on this computer")


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField("Repeat it", validators=[DataRequired(), EqualTo("password", "The two passwords differ.")])


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired()])


class TokenForm(FlaskForm):
    label = StringField("What it is for", validators=[Length(max=100)], default="grade submit")


class EmptyForm(FlaskForm):
    """A POST-only button's CSRF token."""


__all__ = ["LoginForm", "SetPasswordForm", "ChangePasswordForm", "TokenForm", "EmptyForm"]
