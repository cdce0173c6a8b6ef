"""The server's data: SQLAlchemy 2.0 models, one module per concern."""
from .base import Base, UTCDateTime, utcnow
from .courses import Assignment, Course, Enrolment, Extension, LimitPeriod, Role
from .submissions import AuditEntry, Result, Submission, SubmissionStatus, TestRow
from .gradebook import ActiveSubmission, GradeRecord
from .histories import CheckHistory, LatestGraded
from .similarity import RunState, SimilarityDocument, SimilarityPair, SimilarityRun
from .staff_grading import ItemState, Regrade, RegradeItem, RegradeState, ScoreAdjustment
from .users import ApiToken, Invitation, User
from .workers import WorkerHeartbeat
from . import lti  # noqa: F401,E402  (the LTI tables; used as server.models.lti)

__all__ = ["ActiveSubmission", "GradeRecord", "Base", "UTCDateTime", "utcnow", "Assignment", "Course", "Enrolment", "Extension", "LimitPeriod",
           "Role", "AuditEntry", "Result", "Submission", "SubmissionStatus", "TestRow", "ApiToken",
           "Invitation", "User", "ItemState", "Regrade", "RegradeItem", "RegradeState", "ScoreAdjustment",
           "CheckHistory", "LatestGraded", "RunState", "SimilarityDocument", "SimilarityPair", "SimilarityRun", "WorkerHeartbeat"]
