"""LTI 1.3: the platforms (LMSs) registered with us and how their contexts, users, resource links
and line items map to ours; the one-time login states; the grade passbacks and their outcome."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .courses import Assignment, Course
from .users import User


class LtiPlatform(Base):
    """One registration of this tool in one LMS: an issuer and the client id it gave us."""
    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_ids: Mapped[list] = mapped_column(JSON, default=list)
    auth_login_url: Mapped[str] = mapped_column(String(500))     # the platform's OIDC authorization endpoint
    auth_token_url: Mapped[str] = mapped_column(String(500))     # OAuth2 token endpoint (AGS, NRPS)
    key_set_url: Mapped[str] = mapped_column(String(500))        # the platform's JWKS
    token_audience: Mapped[str | None] = mapped_column(String(500))   # Moodle/Blackboard: aud of our assertion
    # Origins allowed to frame our pages (CSP frame-ancestors): the LMS's own web address, which for a
    # hosted Canvas is the school's domain, not the issuer.
    frame_origins: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiContext(Base):
    """An LMS course (context) and the course of ours it is linked to."""
    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    deployment_id: Mapped[str] = mapped_column(String(255), default="")
    memberships_url: Mapped[str | None] = mapped_column(String(500))     # NRPS, from the latest launch
    lineitems_url: Mapped[str | None] = mapped_column(String(500))       # AGS, from the latest launch
    ags_scopes: Mapped[list] = mapped_column(JSON, default=list)
    roster_synced_at: Mapped[datetime | None]
    roster_tried_at: Mapped[datetime | None]          # the schedule counts from the last try, failed or not
    roster_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[LtiPlatform] = relationship()
    course: Mapped[Course] = relationship()


class LtiUser(Base):
    """An LMS user (the id_token's `sub`) and our account for them."""
    __tablename__ = "lti_users"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class LtiResourceLink(Base):
    """A placement of our tool in an LMS course, and the assignment it opens."""
    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("context_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_contexts.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiLineItem(Base):
    """The LMS gradebook column of one assignment in one LMS course: created once, then reused."""
    __tablename__ = "lti_line_items"
    __table_args__ = (UniqueConstraint("context_id", "assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_contexts.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiLoginState(Base):
    """An OIDC login in flight: its state and nonce, used once, within minutes."""
    __tablename__ = "lti_login_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiLaunchToken(Base):
    """A verified launch that the frame could not keep (its cookies were refused): a one-time link
    that finishes the launch in a new window. Only the token's hash is stored."""
    __tablename__ = "lti_launch_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PassbackState(enum.StrEnum):
    PENDING = "pending"      # the grade of record changed and is not in the LMS yet
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"        # the last try failed; retried at next_try_at


class LtiPassback(Base):
    """One student's grade for one assignment in one LMS course: what the LMS should show and what
    it was last sent. The row is the truth; the queue only carries its id (like a submission)."""
    __tablename__ = "lti_passbacks"
    __table_args__ = (UniqueConstraint("context_id", "assignment_id", "user_id"),
                      Index("ix_lti_passbacks_state_next", "state", "next_try_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_contexts.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[PassbackState] = mapped_column(
        Enum(PassbackState, native_enum=False, length=16, values_callable=lambda s: [m.value for m in s]),
        default=PassbackState.PENDING)
    token: Mapped[str | None] = mapped_column(String(32))          # the sender holding it
    lease_until: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)                  # failed tries since the last success
    next_try_at: Mapped[datetime | None]
    score_sent: Mapped[float | None] = mapped_column(Float)
    max_sent: Mapped[float | None] = mapped_column(Float)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    context: Mapped[LtiContext] = relationship()
    assignment: Mapped[Assignment] = relationship()
    user: Mapped[User] = relationship()
