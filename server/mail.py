"""Invitations by email: one SMTP connection per batch, one message per person, each failure
reported beside the addresses that got theirs (a bad address does not stop the rest).

Configured from the environment (GRADER_SMTP_HOST, GRADER_SMTP_PORT, GRADER_SMTP_USERNAME,
GRADER_SMTP_PASSWORD, GRADER_SMTP_SECURITY=starttls|ssl|none, GRADER_MAIL_FROM); without a host,
invitation links are only shown, copied and downloaded."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr


@dataclass
class Sent:
    delivered: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)     # (email, why)


def configured(config) -> bool:
    return bool(config.get("SMTP_HOST") and config.get("MAIL_FROM"))


def invitation(config, *, name: str, email: str, link: str, course_title: str, days: int) -> EmailMessage:
    """The message inviting one person to set their password."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = formataddr((name, email)) if name else email
    message["Subject"] = f"{course_title}: set your password for {config['SITE_NAME']}"
    message.set_content(
        f"Hello{' ' + name if name else ''},\n\n"
        f"You have an account on {config['SITE_NAME']} for {course_title}, where you submit your work and see "
        f"your grades. Set your password with this link (it works once, for {days} days):\n\n{link}\n\n"
        "If it has expired, ask your instructor for a new one.\n")
    return message


def send_all(config, messages: list[EmailMessage]) -> Sent:
    """Send every message over one connection; what went and what did not (and why)."""
    sent, tried = Sent(), 0
    try:
        with _connect(config) as smtp:
            for message in messages:
                tried += 1
                try:
                    smtp.send_message(message)
                    sent.delivered.append(_address(message))
                except smtplib.SMTPException as error:
                    sent.failed.append((_address(message), _why(error)))
    except (OSError, smtplib.SMTPException) as error:
        # The server cannot be reached or dropped us: the message in hand and the rest were not sent.
        already = tried - 1 if tried else 0
        sent.failed += [(_address(m), f"the mail server could not be used ({_why(error)})")
                        for m in messages[already:] if _address(m) not in sent.delivered]
    return sent


def _connect(config) -> smtplib.SMTP:
    host, port, timeout = config["SMTP_HOST"], int(config["SMTP_PORT"]), float(config["SMTP_TIMEOUT"])
    security = str(config.get("SMTP_SECURITY") or "starttls").lower()
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if config.get("SMTP_USERNAME"):
        smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    return smtp


def _address(message: EmailMessage) -> str:
    """The recipient's bare address (what staff recognise in a list), not the display form."""
    return message["To"].addresses[0].addr_spec


def _why(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the address"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        return f"{error.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return str(error) or type(error).__name__
