"""The OpenAPI document, derived from the API's views: their URL rules and the YAML after `---` in
each view's docstring (apispec's Flask plugin), so the description cannot drift from the routes."""
from __future__ import annotations

from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app


def build_spec() -> dict:
    spec = APISpec(title=f"{current_app.config['SITE_NAME']} API", version="1", openapi_version="3.0.3",
                   plugins=[FlaskPlugin()],
                   info={"description": "Submit backprop assignments and read their grading. Authenticate with "
                                        "'Authorization: Bearer TOKEN' (POST /api/v1/tokens gives one)."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", {"type": "object", "properties": {
        "error": {"type": "string"}, "message": {"type": "string"}, "next_step": {"type": "string"},
        "status": {"type": "integer"}}})
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            spec.path(view=current_app.view_functions[rule.endpoint], app=current_app)
    return spec.to_dict()
