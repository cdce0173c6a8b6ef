"""A verified launch, mapped to our world: the LMS course to a course, the LMS user to an account
(without a password), the LMS role to an enrolment, the resource link to an assignment."""
from __future__ import annotations

import hashlib
import logging
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import accounts
from ..models import Assignment, Course, Enrolment, Role, User
from ..models.lti import LtiContext, LtiLineItem, LtiPlatform, LtiResourceLink, LtiUser
from .claims import Launch, Person
from .tool import LaunchRefused

log = logging.getLogger(__name__)


def account_for(session: Session, platform: LtiPlatform, person: Person) -> User:
    """Our account for the LMS user: the one linked before, else the account with their email
    (never a site admin's: an LMS must not be able to hand out admin rights), else a new one."""
    link = session.scalar(select(LtiUser).where(LtiUser.platform_id == platform.id,
                                                LtiUser.subject == person.subject))
    if link is not None:
        user = link.user
        if person.name and user.name != person.name:
            user.name = person.name[:200]
        return user
    user = accounts.user_by_email(session, person.email) if person.email else None
    if user is not None and user.is_admin:
        log.warning("LTI user %s of platform %s has a site admin's email; a separate account is made",
                    person.subject, platform.id)
        user = None
    if user is None:
        email = person.email if person.email and accounts.user_by_email(session, person.email) is None \
            else placeholder_email(platform, person.subject)
        user, _ = accounts.ensure_user(session, email, person.name[:200])
    session.add(LtiUser(platform_id=platform.id, subject=person.subject, user_id=user.id))
    session.flush()
    return user


def placeholder_email(platform: LtiPlatform, subject: str) -> str:
    """An address that is unique and plainly not deliverable, for an LMS that shares no email."""
    digest = hashlib.sha256(f"{platform.id}:{subject}".encode()).hexdigest()[:20]
    return f"lti-{platform.id}-{digest}@lti.invalid"


def context_for(session: Session, platform: LtiPlatform, launch: Launch, role: Role | None) -> LtiContext:
    """The linked LMS course, created with a course of ours at the first launch by its instructor."""
    if not launch.context_id:
        raise LaunchRefused("The LMS sent no course with this launch. Add the tool to a course and open it there.")
    context = session.scalar(select(LtiContext).where(LtiContext.platform_id == platform.id,
                                                      LtiContext.context_id == launch.context_id))
    if context is None:
        if role is not Role.INSTRUCTOR:
            raise LaunchRefused("This course is not set up in the grader yet. Your instructor opens the tool "
                                "from the course once; then try again.")
        course = Course(code=unique_code(session, launch.context_title or "lms-course"),
                        title=(launch.context_title or "Course from the LMS")[:200])
        session.add(course)
        session.flush()
        context = LtiContext(platform_id=platform.id, context_id=launch.context_id, course_id=course.id)
        session.add(context)
    context.title = launch.context_title[:255]
    context.deployment_id = launch.deployment_id
    # Service URLs come from the latest launch: the LMS may move them; an NRPS URL need not name
    # the launch's context id (some platforms use another id there), so it is kept as given.
    if launch.memberships_url:
        context.memberships_url = launch.memberships_url
    if launch.lineitems_url:
        context.lineitems_url = launch.lineitems_url
        context.ags_scopes = launch.ags_scopes
    session.flush()
    return context


def unique_code(session: Session, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "lms-course"
    code = base
    while session.scalar(select(Course.id).where(Course.code == code)) is not None:
        code = f"{base}-{secrets.token_hex(2)}"
    return code


def enrol(session: Session, context: LtiContext, user: User, role: Role) -> None:
    """The LMS's role is the role here (it is the roster of record for a linked course)."""
    accounts.enrol(session, context.course, user, role)


def link_resource(session: Session, context: LtiContext, launch: Launch) -> Assignment | None:
    """The assignment the resource link opens: recorded at its first launch from the deep-linked
    custom parameter (an assignment of the linked course only)."""
    if not launch.resource_link_id:
        return None
    link = session.scalar(select(LtiResourceLink).where(LtiResourceLink.context_id == context.id,
                                                        LtiResourceLink.resource_link_id == launch.resource_link_id))
    wanted = launch.assignment_id
    if wanted is not None and session.scalar(select(Assignment.id).where(
            Assignment.id == wanted, Assignment.course_id == context.course_id)) is None:
        wanted = None
    if link is None:
        link = LtiResourceLink(context_id=context.id, resource_link_id=launch.resource_link_id, assignment_id=wanted)
        session.add(link)
    elif wanted is not None:
        link.assignment_id = wanted
    session.flush()
    assignment = session.get(Assignment, link.assignment_id) if link.assignment_id else None
    if assignment is not None and launch.lineitem_url:
        remember_line_item(session, context, assignment, launch.lineitem_url)
    return assignment


def remember_line_item(session: Session, context: LtiContext, assignment: Assignment, url: str) -> None:
    """The LMS made a column for this link (deep linking asked it to): use it, never make another."""
    if session.scalar(select(LtiLineItem.id).where(LtiLineItem.context_id == context.id,
                                                   LtiLineItem.assignment_id == assignment.id)) is None:
        session.add(LtiLineItem(context_id=context.id, assignment_id=assignment.id, url=url))
        session.flush()


def role_in_course(session: Session, course_id: int, user_id: int) -> Role | None:
    return session.scalar(select(Enrolment.role).where(Enrolment.course_id == course_id, Enrolment.user_id == user_id))
