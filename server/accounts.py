"""Accounts: creating people, invitations that set a password once, API tokens, roster import."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import ApiToken, AuditEntry, Course, Enrolment, Invitation, Role, User, utcnow
from .passwords import hash_password, new_token, token_hash


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def ensure_user(session: Session, email: str, name: str = "", password: str | None = None,
                is_admin: bool = False) -> tuple[User, bool]:
    """The user with this email, created if new; (user, created). An existing account is returned as
    it is: whether the caller may change its name is the caller's question (owned_by_course)."""
    user = user_by_email(session, email)
    if user is not None:
        return user, False
    user = User(email=normalise_email(email), name=name.strip(), is_admin=is_admin,
                password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user, True


def set_password(session: Session, user: User, password: str) -> None:
    """Set the password, end every other session of the user's and revoke their API tokens: a
    password is changed because it may be known to someone else, who may have made tokens with it."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def end_sessions(user: User) -> None:
    """Every session cookie and remember-me cookie of the user's stops working (their id carries the
    session version: see User.get_id)."""
    user.session_version += 1


MADE_BY_COURSE = "account.create"      # the audit entry saying which course made an account


def record_made_by(session: Session, course: Course, user: User, actor_id: int | None = None) -> None:
    """Note in the audit log that this course made the account (see owned_by_course)."""
    session.add(AuditEntry(actor_id=actor_id, course_id=course.id, action=MADE_BY_COURSE, target=f"user:{user.id}",
                           new=user.email))


def owned_by_course(session: Session, user: User, course: Course) -> bool:
    """Whether the course's instructors speak for this account: it is no admin's, this course made it
    (record_made_by), and it is in no other course. Only then may they see its invitation link or
    change its name; any other account belongs to its owner, and to the courses it is in."""
    if user.is_admin:
        return False
    courses = set(session.scalars(select(Enrolment.course_id).where(Enrolment.user_id == user.id)))
    made_here = session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == MADE_BY_COURSE, AuditEntry.course_id == course.id,
        AuditEntry.target == f"user:{user.id}").limit(1)) is not None
    return made_here and courses <= {course.id}


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
    refused: list[str] = field(default_factory=list)      # "line 3: x@uni.test is ...", one per line not imported
    kept_names: list[str] = field(default_factory=list)   # emails whose roster name was not applied
    not_invited: list[str] = field(default_factory=list)  # emails without a password whose link is their owner's


def read_roster(text: str) -> list[dict]:
    """Rows of (name, email, student_id) from a CSV with those headers (any order, any case); every
    problem is reported at once, with its line number."""
    if "\x00" in text:
        raise RosterError("Nothing was imported: the roster holds NUL characters, so it is not a CSV text file. "
                          "Export it from your spreadsheet again as CSV UTF-8.")
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
        rows.append({"line": line, "email": email,
                     "name": (record.get(columns["name"]) or "").strip()[:200] if columns["name"] else "",
                     "student_id": (record.get(columns["student_id"]) or "").strip()[:64] if columns["student_id"] else ""})
    if problems:
        raise RosterError("Nothing was imported. Fix these lines and import again: " + "; ".join(problems[:20])
                          + (f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""))
    return rows


def roster_refusal(session: Session, course: Course, user: User, by_admin: bool) -> str | None:
    """Why an existing account cannot be made a student of this course by a roster, or None. A
    roster is the course's list of students: it never turns a site admin or the course's own staff
    into one (which would take their staff access to the course away), and only a site admin may
    enrol another course's staff (an instructor's roster could otherwise pull in anyone)."""
    if user.is_admin:
        return "is a site admin; a roster does not enrol admins as students"
    staff_in = set(session.scalars(select(Enrolment.course_id).where(Enrolment.user_id == user.id,
                                                                     Enrolment.role != Role.STUDENT)))
    if course.id in staff_in:
        return "is staff of this course; a roster does not enrol staff as students"
    if staff_in and not by_admin:
        return ("is staff of another course; a site admin can enrol them as a student "
                "(`grade admin import-roster`)")
    return None


def import_roster(session: Session, course: Course, text: str, invitation_days: int,
                  by_admin: bool = False, actor_id: int | None = None) -> RosterImport:
    """Create or update the course's students from a roster CSV; re-importing never duplicates.

    A line naming staff or a site admin is refused (the rest is imported; `refused` says why per
    line). Names are changed only on accounts the course owns (owned_by_course). New accounts, and
    owned ones that never set a password, get an invitation; an account that exists elsewhere is
    left to its owner's own link, unless `by_admin` (a site admin at the terminal)."""
    outcome = RosterImport()
    for row in read_roster(text):
        user, created = ensure_user(session, row["email"], row["name"])
        if created:
            record_made_by(session, course, user, actor_id)
        refusal = None if created else roster_refusal(session, course, user, by_admin)
        if refusal:
            outcome.refused.append(f"line {row['line']}: {user.email} {refusal}")
            continue
        owned = created or owned_by_course(session, user, course)    # asked before enrolling here
        enrolment = session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                           Enrolment.user_id == user.id))
        changed = enrolment is None or bool(row["student_id"] and enrolment.student_number != row["student_id"])
        enrol(session, course, user, Role.STUDENT, row["student_id"] or None)
        if row["name"] and user.name != row["name"]:
            if owned:
                user.name, changed = row["name"], True
            else:
                outcome.kept_names.append(user.email)
        if created:
            outcome.created += 1
        elif changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        if user.password_hash is None and not has_live_invitation(session, user):
            if owned or by_admin:
                outcome.invitations.append((user.name, user.email, invite(session, user, invitation_days)))
            else:
                outcome.not_invited.append(user.email)
    session.commit()
    return outcome
