"""Names and Role Provisioning Services: the course's roster from the LMS, on demand and on a
schedule. Members are matched by their LMS user id (the same key as a launch), so a sync never
makes a second account for someone who launched before, nor the other way round. The membership
URL is the one the latest launch gave, whatever context id the NRPS answer names (some platforms
answer with another id than the launch's)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import Enrolment, Role, utcnow
from ..models.lti import LtiContext, LtiUser
from .claims import member_person
from .mapping import account_for, enrol
from .tool import connector

log = logging.getLogger(__name__)


@dataclass
class RosterSync:
    added: list[str] = field(default_factory=list)        # emails newly enrolled
    updated: int = 0
    dropped: list[str] = field(default_factory=list)      # students no longer active in the LMS
    unchanged: int = 0

    def summary(self) -> str:
        return (f"{len(self.added)} added, {self.updated} role(s) changed, {len(self.dropped)} dropped, "
                f"{self.unchanged} unchanged")


class RosterError(Exception):
    """The LMS roster could not be read; nothing was changed."""


def sync(session: Session, context: LtiContext, instance_path: str) -> RosterSync:
    """Enrol every active member with their LMS role; drop students who are no longer active members
    (only students who came from this LMS; staff and hand-added students are left alone). Commits."""
    if not context.memberships_url:
        raise RosterError("The LMS has not offered its roster service in this course's launches; turn on "
                          "Names and Role Provisioning for the tool in the LMS, then open the tool once.")
    service = NamesRolesProvisioningService(connector(context.platform, instance_path),
                                            {"context_memberships_url": context.memberships_url})
    context.roster_tried_at = utcnow()
    try:
        members = service.get_members()
    except Exception as error:  # noqa: BLE001 - the LMS down or refusing: say so, change nothing
        context.roster_error = f"{type(error).__name__}: {error}"[:2000]
        session.commit()
        raise RosterError(f"The LMS roster could not be read: {error}") from error
    outcome, active = RosterSync(), set()
    for member in members:
        person = member_person(member)
        if not person.subject or person.role is None:
            continue
        if (member.get("status") or "Active") != "Active":
            continue
        user = account_for(session, context.platform, person)
        active.add(user.id)
        before = session.scalar(select(Enrolment.role).where(Enrolment.course_id == context.course_id,
                                                             Enrolment.user_id == user.id))
        if before is None:
            outcome.added.append(user.email)
        elif before is not person.role:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        enrol(session, context, user, person.role)
    from_lms = select(LtiUser.user_id).where(LtiUser.platform_id == context.platform_id)
    gone = list(session.execute(select(Enrolment.id, Enrolment.user_id).where(
        Enrolment.course_id == context.course_id, Enrolment.role == Role.STUDENT,
        Enrolment.user_id.in_(from_lms), Enrolment.user_id.not_in(active or {-1}))).all())
    if gone:
        from ..models import User
        outcome.dropped = list(session.scalars(select(User.email).where(User.id.in_([u for _, u in gone]))))
        session.execute(delete(Enrolment).where(Enrolment.id.in_([i for i, _ in gone])))
    context.roster_synced_at, context.roster_error = utcnow(), None
    session.commit()
    log.info("roster sync of course %s from LMS context %s: %s", context.course_id, context.context_id,
             outcome.summary())
    return outcome


def due(session: Session, every_seconds: float, now: datetime | None = None) -> list[int]:
    """Linked LMS courses whose roster was last tried longer ago than `every_seconds` (or never)."""
    now = now or utcnow()
    stale = now - timedelta(seconds=every_seconds)
    return list(session.scalars(select(LtiContext.id).where(
        LtiContext.memberships_url.is_not(None),
        (LtiContext.roster_tried_at.is_(None)) | (LtiContext.roster_tried_at < stale))))
