"""Why a launch was refused, in words for the person in front of the LMS (and its admin)."""
from __future__ import annotations

from pylti1p3.exception import LtiException, LtiInvalidNonceException, LtiKeyException, OIDCException

from .tool import LaunchRefused

ASK_ADMIN = "If this keeps happening, show this page to your LMS administrator."


def explain(error: Exception) -> str:
    """The sentence shown for a refused login or launch."""
    text = str(error)
    if isinstance(error, LaunchRefused):
        return text
    if isinstance(error, LtiInvalidNonceException):
        return ("This launch was already used (its one-time code does not match). Open the tool again from "
                "your course.")
    if isinstance(error, LtiKeyException):
        return ("The launch was signed with a key this LMS does not publish, or its keys could not be "
                f"fetched ({text}). {ASK_ADMIN}")
    if "Signature has expired" in text:
        return "This launch has expired. Open the tool again from your course."
    if "Signature verification failed" in text or "Can't decode id_token" in text:
        return f"The launch's signature could not be verified, so it was not accepted ({text}). {ASK_ADMIN}"
    if "Registration not found" in text or "Client id not registered" in text or "registration" in text.lower():
        return ("This LMS, or this client id, is not registered with the grader. An administrator registers it "
                "under LTI platforms.")
    if "deployment" in text.lower():
        return (f"{text} The grader knows this LMS but not this deployment of the tool; an administrator adds "
                "the deployment id to the platform's registration.")
    if isinstance(error, (LtiException, OIDCException)):
        return f"The launch was not valid: {text}. {ASK_ADMIN}"
    return f"The launch could not be checked: {text}. {ASK_ADMIN}"
