"""Accounts: creating people, invitations that set a password once, API tokens, roster import."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import ApiToken, Course, Enrolment, Invitation, Role, User, utcnow
from .passwords import hash_password, new_token, token_hash


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def ensure_user(session: Session, email: str, name: str = "", password: str | None = None,
                is_admin: bool = False) -> tuple[User, bool]:
    """The user with this email, created if new; (user, created)."""
    user = user_by_email(session, email)
    if user is not None:
        if name and not user.name:
            user.name = name
        return user, False
    user = User(email=normalise_email(email), name=name.strip(), is_admin=is_admin,
                password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user, True


def set_password(session: Session, user: User, password: str) -> None:
    """Set the password and end every other session of the user's."""
    user.password_hash = hash_password(password)
    user.session_version += 1


def invite(session: Session, user: User, days: int) -> str:
    """A one-time link token (returned once; only its hash is kept). Older unused ones stop working."""
    now = utcnow()
    session.execute(update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
                    .values(used_at=now))
    token, digest = new_token("inv")
    session.add(Invitation(user_id=user.id, token_hash=digest, expires_at=now + timedelta(days=days)))
    return token


def redeem(session: Session, token: str) -> Invitation | None:
    """The invitation behind `token` if it is unused and unexpired."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def has_live_invitation(session: Session, user: User) -> bool:
    return session.scalar(select(Invitation.id).where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
                                                      Invitation.expires_at > utcnow()).limit(1)) is not None


# A token's last use is shown to its owner to the minute; writing it on every request would make
# each API call (`grade submit` polling a submission) a write transaction.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def issue_api_token(session: Session, user: User, label: str) -> str:
    token, digest = new_token("bpg")
    session.add(ApiToken(user_id=user.id, token_hash=digest, label=label[:100]))
    return token


def user_for_api_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token),
                                                ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = row.user       # loaded first: its query would flush the change below out of session.dirty
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
    return user


def enrol(session: Session, course: Course, user: User, role: Role, student_number: str | None = None) -> Enrolment:
    """Add the user to the course, or change their role / student number there."""
    enrolment = session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                       Enrolment.user_id == user.id))
    if enrolment is None:
        enrolment = Enrolment(course_id=course.id, user_id=user.id, role=role, student_number=student_number)
        session.add(enrolment)
    else:
        enrolment.role = role
        if student_number:
            enrolment.student_number = student_number
    return enrolment


class RosterError(Exception):
    """The CSV cannot be imported; nothing was changed."""


@dataclass
class RosterImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invitations: list[tuple[str, str, str]] = field(default_factory=list)   # (name, email, token)


def read_roster(text: str) -> list[dict]:
    """Rows of (name, email, student_id) from a CSV with those headers (any order, any case); every
    problem is reported at once, with its line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {(h or "").strip().lower().replace(" ", "_"): h for h in (reader.fieldnames or [])}
    aliases = {"student_id": ("student_id", "id", "student_number", "sis_user_id"), "email": ("email", "e-mail"),
               "name": ("name", "full_name", "student")}
    columns = {key: next((headers[a] for a in names if a in headers), None) for key, names in aliases.items()}
    if columns["email"] is None:
        raise RosterError("The roster needs a header row with at least an 'email' column "
                          "(and 'name', 'student_id'). Found: " + (", ".join(headers) or "no header"))
    rows, problems, seen = [], [], set()
    for line, record in enumerate(reader, start=2):
        email = normalise_email(record.get(columns["email"]) or "")
        if not email and not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue    # a blank line
        if "@" not in email or len(email) > 254 or " " in email:
            problems.append(f"line {line}: {email or '(empty)'} is not an email address")
            continue
        if email in seen:
            problems.append(f"line {line}: {email} appears twice")
            continue
        seen.add(email)
        rows.append({"email": email,
                     "name": (record.get(columns["name"]) or "").strip()[:200] if columns["name"] else "",
                     "student_id": (record.get(columns["student_id"]) or "").strip()[:64] if columns["student_id"] else ""})
    if problems:
        raise RosterError("Nothing was imported. Fix these lines and import again: " + "; ".join(problems[:20])
                          + (f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""))
    return rows


def import_roster(session: Session, course: Course, text: str, invitation_days: int) -> RosterImport:
    """Create or update the course's students from a roster CSV; re-importing never duplicates.
    New accounts (and accounts that never set a password) get an invitation."""
    outcome = RosterImport()
    for row in read_roster(text):
        user, created = ensure_user(session, row["email"], row["name"])
        enrolment = session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                           Enrolment.user_id == user.id))
        changed = enrolment is None or (row["student_id"] and enrolment.student_number != row["student_id"])
        if row["name"] and user.name != row["name"]:
            user.name, changed = row["name"], True
        if enrolment is None or not enrolment.role.is_staff:
            enrol(session, course, user, Role.STUDENT, row["student_id"] or None)
        if created:
            outcome.created += 1
        elif changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        if user.password_hash is None and not has_live_invitation(session, user):
            outcome.invitations.append((user.name, user.email, invite(session, user, invitation_days)))
    session.commit()
    return outcome
