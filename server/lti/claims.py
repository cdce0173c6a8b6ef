"""What an LTI message says, read from its claims: who, in which role, in which LMS course."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Role

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TOOL_SCOPES = [SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT, SCOPE_SCORE, SCOPE_NRPS]

# LIS role names (the part after the last '/' or '#'), strongest first. A TA's role URI is
# membership/Instructor#TeachingAssistant: it is read as TA, never as Instructor.
INSTRUCTOR_ROLES = {"Instructor", "Administrator", "ContentDeveloper"}
TA_ROLES = {"TeachingAssistant", "Grader"}
STUDENT_ROLES = {"Learner", "Student"}


def role_of(role_uris: list[str]) -> Role | None:
    """Our role for a list of LIS role URIs; None for roles with no place here (observer, mentor,
    guest) and for institution-only roles."""
    names = set()
    for uri in role_uris or []:
        if "/institution/" in uri or "/system/" in uri:
            continue       # a campus-wide role says nothing about this course
        names.add(uri.rsplit("/", 1)[-1].rpartition("#")[2])
    if names & TA_ROLES:
        return Role.TA
    if names & INSTRUCTOR_ROLES:
        return Role.INSTRUCTOR
    if names & STUDENT_ROLES:
        return Role.STUDENT
    return None


@dataclass
class Person:
    subject: str
    email: str = ""
    name: str = ""
    role: Role | None = None


@dataclass
class Launch:
    """The claims of a verified message that we act on."""
    platform_id: int
    message_type: str
    deployment_id: str
    person: Person
    context_id: str | None
    context_title: str
    resource_link_id: str | None
    custom: dict = field(default_factory=dict)
    memberships_url: str | None = None
    lineitems_url: str | None = None
    lineitem_url: str | None = None
    ags_scopes: list = field(default_factory=list)
    deep_linking: dict | None = None
    # Pages of the LMS named by the (signed) message: where it shows us, e.g. a hosted Canvas's school
    # domain, which is neither its issuer nor its login endpoint.
    lms_pages: list = field(default_factory=list)

    @property
    def assignment_id(self) -> int | None:
        """The assignment a deep-linked resource link opens (its custom parameter)."""
        value = str(self.custom.get("assignment_id", "")).strip()
        return int(value) if value.isdigit() else None


def read_launch(body: dict, platform_id: int) -> Launch:
    context = body.get(LTI + "context") or {}
    ags = body.get(AGS) or {}
    return Launch(
        platform_id=platform_id,
        message_type=body.get(LTI + "message_type", ""),
        deployment_id=body.get(LTI + "deployment_id", ""),
        person=Person(subject=str(body.get("sub") or ""), email=(body.get("email") or "").strip().lower(),
                      name=(body.get("name") or " ".join(filter(None, [body.get("given_name"),
                                                                         body.get("family_name")]))).strip(),
                      role=role_of(body.get(LTI + "roles") or [])),
        context_id=context.get("id"),
        context_title=context.get("title") or context.get("label") or "",
        resource_link_id=(body.get(LTI + "resource_link") or {}).get("id"),
        custom=body.get(LTI + "custom") or {},
        memberships_url=(body.get(NRPS) or {}).get("context_memberships_url"),
        lineitems_url=ags.get("lineitems"),
        lineitem_url=ags.get("lineitem"),
        ags_scopes=list(ags.get("scope") or []),
        deep_linking=body.get(DEEP_LINKING),
        lms_pages=[url for url in ((body.get(LTI + "launch_presentation") or {}).get("return_url"),
                                   (body.get(LTI + "tool_platform") or {}).get("url"),
                                   (body.get(DEEP_LINKING) or {}).get("deep_link_return_url")) if url],
    )


def member_person(member: dict) -> Person:
    """A person from an NRPS membership entry."""
    return Person(subject=str(member.get("user_id") or ""), email=(member.get("email") or "").strip().lower(),
                  name=(member.get("name") or " ".join(filter(None, [member.get("given_name"),
                                                                     member.get("family_name")]))).strip(),
                  role=role_of(member.get("roles") or []))
