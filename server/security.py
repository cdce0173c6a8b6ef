"""Response headers every page carries: no inline scripts, no framing, no sniffing.

The one exception to "no framing": a page that a registered LMS shows in its iframe (an LTI
launch and the pages of its session) names the LMS's origins in `g.frame_ancestors` (and, for the
deep-linking answer that posts back to the LMS, `g.form_action`); server.lti sets them.
"""
from __future__ import annotations

from flask import g

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action {form_action}; frame-ancestors {frame_ancestors}")


def content_security_policy() -> str:
    ancestors = g.get("frame_ancestors") or []
    form_action = g.get("form_action") or []
    return CSP.format(frame_ancestors=" ".join(["'self'", *ancestors]) if ancestors else "'none'",
                      form_action=" ".join(["'self'", *form_action]))


def init_app(app) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        if not g.get("frame_ancestors"):
            # frame-ancestors is the modern rule; DENY for browsers that only know this header.
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")   # pages hold personal data
        return response
