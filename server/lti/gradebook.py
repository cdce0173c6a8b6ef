"""The grade of record and its change notifications, as the LTI passback sees them: one import
from server.gradebook (issue 18), so that the passback sends the number every page shows."""
from ..gradebook import GradeOfRecord, add_listener, grade_of_record, remove_listener

__all__ = ["GradeOfRecord", "add_listener", "grade_of_record", "remove_listener"]
