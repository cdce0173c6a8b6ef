"""Views: log in, log out, accept an invitation, the account page (password, API tokens)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select, update

from .. import accounts
from ..extensions import db, limiter
from ..models import ApiToken, utcnow
from ..ratelimits import login_limit
from ..passwords import check_password, password_problem
from . import bp
from .forms import ChangePasswordForm, EmptyForm, LoginForm, SetPasswordForm, TokenForm


def safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site. Browsers read a backslash as a slash and drop tabs and
    newlines, so /\\evil.test and /<TAB>/evil.test lead elsewhere: refuse both."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable() and not urlsplit(target).netloc):
        return target
    return url_for("student.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("student.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.user_by_email(db.session, form.email.data)
        if check_password(user.password_hash if user else None, form.password.data) and user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        flash("That email and password do not match an account. If you were invited, use the link from "
              "your invitation to set a password first.", "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out (a POST, so a link elsewhere cannot log you out). The session ends on the server too: a
    copy of the cookie, or a remember-me cookie, stops working (every session of the account ends)."""
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            accounts.end_sessions(current_user)
            db.session.commit()
        logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def accept_invitation(token: str):
    """Set your password from a one-time invitation link."""
    invitation = accounts.redeem(db.session, token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(db.session, invitation.user, form.password.data)
        invitation.used_at = utcnow()
        db.session.commit()
        login_user(invitation.user)
        flash("Your password is set. Welcome!", "success")
        return redirect(url_for("student.home"))
    return render_template("auth/set_password.html", form=form, user=invitation.user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Change your password; create and revoke API tokens for `grade submit`."""
    form, token_form = ChangePasswordForm(prefix="pw"), TokenForm(prefix="tok")
    new_token = None
    if "pw-password" in request.form:      # two forms on one page: the field names tell them apart
        if form.validate_on_submit():
            problem = password_problem(form.password.data)
            if not check_password(current_user.password_hash, form.current.data):
                flash("Your current password is not right.", "error")
            elif problem:
                flash(problem, "error")
            else:
                accounts.set_password(db.session, current_user, form.password.data)
                db.session.commit()
                login_user(current_user)      # this session stays; all others end
                flash("Password changed. Other sessions were logged out and your API tokens revoked "
                      "(make a new one below for `grade submit`).", "success")
                return redirect(url_for("auth.account"))
    elif "tok-label" in request.form and token_form.validate_on_submit():
        new_token = accounts.issue_api_token(db.session, current_user, token_form.label.data or "token")
        db.session.commit()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id,
                                                       ApiToken.revoked_at.is_(None))
                                .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/account.html", form=form, token_form=token_form, tokens=tokens,
                           new_token=new_token, revoke_form=EmptyForm())


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of your API tokens."""
    if EmptyForm().validate_on_submit():
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
                           .values(revoked_at=utcnow()))
        db.session.commit()
        flash("Token revoked.", "success")
    return redirect(url_for("auth.account"))
