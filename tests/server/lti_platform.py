"""A simulated LMS for the LTI tests, on loopback: its RSA key and JWKS, an OIDC authorization
endpoint that answers the tool's login redirect with a signed id_token (echoing state and nonce),
a token endpoint for the tool's client-credentials assertion, and in-memory AGS line items and
scores and NRPS memberships. `down = True` makes its services answer 503 (an LMS outage)."""
from __future__ import annotations

import functools
import html
import itertools
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

import jwt
from flask import Flask, abort, jsonify, request
from jwcrypto.jwk import JWK
from werkzeug.serving import make_server

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES = {
    "student": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"],
    "instructor": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
    "ta": ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
    "observer": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"],
}
SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score"]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def rsa_key(kid: str) -> JWK:
    return JWK.generate(kty="RSA", size=2048, kid=kid, alg="RS256", use="sig")


@functools.cache
def platform_key() -> JWK:
    """The simulated LMS's signing key, made once per test session (an RSA key costs ~0.15 s)."""
    return rsa_key("platform-key-1")


@functools.cache
def tool_key_pem() -> str:
    """A tool key for test instance folders, made once (the first-run generation has its own test)."""
    return rsa_key("unused").export_to_pem(private_key=True, password=None).decode()


@dataclass
class Member:
    sub: str
    name: str
    email: str
    role: str = "student"
    status: str = "Active"


@dataclass
class SimulatedPlatform:
    url: str = ""
    client_id: str = "grader-client-1"
    deployment_id: str = "deployment-1"
    context_id: str = "canvas-course-42"
    # Some platforms name another context id in their NRPS answer than in the launch.
    nrps_context_id: str = "nrps-context-9"
    key: JWK = field(default_factory=platform_key)
    tool_launch_url: str = ""
    tool_login_url: str = ""
    deep_link_jwt: str | None = None    # the tool's last deep-linking answer
    tool_jwks: object = None           # a callable returning the tool's JWKS (it may not be on a port)
    down: bool = False
    line_items: dict = field(default_factory=dict)      # id -> line item JSON
    scores: dict = field(default_factory=dict)          # line item id -> {userId: score JSON}
    score_posts: int = 0
    members: list = field(default_factory=list)
    tokens: dict = field(default_factory=dict)          # access token -> scopes
    pending: dict = field(default_factory=dict)         # login_hint -> claims for the next id_token
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def issuer(self) -> str:
        return self.url

    def registration(self) -> dict:
        """What an admin registers in the grader for this platform."""
        return dict(name="Simulated Canvas", issuer=self.issuer, client_id=self.client_id,
                    deployment_ids=[self.deployment_id], auth_login_url=f"{self.url}/auth",
                    auth_token_url=f"{self.url}/token", key_set_url=f"{self.url}/jwks")

    # --- what a launch says ----------------------------------------------------------------------------
    def claims_for(self, person: Member, *, resource_link: str | None = "link-1", custom: dict | None = None,
                   message_type: str = "LtiResourceLinkRequest", ags: bool = True, nrps: bool = True,
                   lineitem: str | None = None) -> dict:
        claims = {
            "sub": person.sub, "name": person.name, "email": person.email,
            LTI + "message_type": message_type, LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id, LTI + "roles": ROLES[person.role],
            LTI + "context": {"id": self.context_id, "label": "BP101", "title": "Backprop 101 (LMS)",
                              "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]},
            LTI + "target_link_uri": self.tool_launch_url,
            LTI + "custom": custom or {},
        }
        if message_type == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": resource_link, "title": "Gates"}
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep-link-return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"], "data": "dl-data-7"}
        if ags:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": SCOPES, "lineitems": f"{self.url}/courses/{self.context_id}/lineitems",
                **({"lineitem": lineitem} if lineitem else {})}
        if nrps:
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": f"{self.url}/courses/{self.context_id}/memberships",
                "service_versions": ["2.0"]}
        return claims

    def id_token(self, claims: dict, *, nonce: str, key: JWK | None = None, aud: object = None,
                 lifetime: int = 300, iss: str | None = None) -> str:
        now = int(time.time())
        body = {"iss": iss or self.issuer, "aud": aud if aud is not None else self.client_id, "iat": now - 5,
                "exp": now + lifetime, "nonce": nonce, **claims}
        signer = key or self.key
        return jwt.encode(body, signer.export_to_pem(private_key=True, password=None), algorithm="RS256",
                          headers={"kid": signer.kid})

    def expect_login(self, login_hint: str, claims: dict, **token_options) -> None:
        """The next authorization request with this login hint answers with these claims."""
        self.pending[login_hint] = (claims, token_options)

    # --- the services ------------------------------------------------------------------------------------
    def bearer_scopes(self) -> list:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            abort(401)
        return self.tokens[token]

    def app(self) -> Flask:
        app = Flask("simulated_platform")
        platform = self

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [json.loads(platform.key.export_public())]})

        @app.get("/auth")
        def auth():
            args = request.args
            if args.get("client_id") != platform.client_id or args.get("redirect_uri") != platform.tool_launch_url:
                abort(400, "unknown client or redirect_uri")
            if args.get("response_type") != "id_token" or args.get("scope") != "openid":
                abort(400, "not an OIDC implicit flow")
            claims, options = platform.pending[args["login_hint"]]
            nonce = options.pop("nonce", None) or args["nonce"]
            token = platform.id_token(claims, nonce=nonce, **options)
            return auto_post(args["redirect_uri"], {"id_token": token, "state": args["state"]})

        @app.get("/course/<hint>")
        def course_page(hint):
            """An LMS page showing the tool in an iframe (for the browser test)."""
            login = (f"{platform.tool_login_url}?iss={platform.issuer}&client_id={platform.client_id}"
                     f"&login_hint={hint}&lti_message_hint=m1&target_link_uri={platform.tool_launch_url}")
            return (f"<!doctype html><title>LMS course</title><h1>LMS course page</h1>"
                    f"<iframe id=tool name=tool src=\"{html.escape(login)}\" width=1000 height=700></iframe>")

        @app.post("/token")
        def token():
            if platform.down:
                abort(503)
            form = request.form
            assertion = form["client_assertion"]
            header = jwt.get_unverified_header(assertion)
            keys = {k["kid"]: k for k in platform.tool_jwks()["keys"]}
            public = JWK(**keys[header["kid"]]).export_to_pem()
            body = jwt.decode(assertion, public, algorithms=["RS256"], audience=f"{platform.url}/token")
            assert body["iss"] == body["sub"] == platform.client_id
            access = secrets.token_hex(16)
            platform.tokens[access] = form["scope"].split()
            return jsonify(access_token=access, token_type="bearer", expires_in=3600, scope=form["scope"])

        @app.route("/courses/<context>/lineitems", methods=["GET", "POST"])
        def lineitems(context):
            if platform.down:
                abort(503)
            platform.bearer_scopes()
            if request.method == "POST":
                item = json.loads(request.data)
                item["id"] = f"{platform.url}/courses/{context}/lineitems/{next(platform._ids)}"
                platform.line_items[item["id"]] = item
                return jsonify(item), 201
            items = list(platform.line_items.values())
            if request.args.get("resource_id"):
                items = [i for i in items if i.get("resourceId") == request.args["resource_id"]]
            return jsonify(items)

        @app.post("/courses/<context>/lineitems/<int:number>/scores")
        def scores(context, number):
            if platform.down:
                abort(503)
            assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in platform.bearer_scopes()
            assert request.content_type == "application/vnd.ims.lis.v1.score+json"
            item_id = f"{platform.url}/courses/{context}/lineitems/{number}"
            if item_id not in platform.line_items:
                abort(404)
            score = json.loads(request.data)
            platform.scores.setdefault(item_id, {})[score["userId"]] = score
            platform.score_posts += 1
            return "", 204

        @app.get("/courses/<context>/memberships")
        def memberships(context):
            if platform.down:
                abort(503)
            assert NRPS_SCOPE in platform.bearer_scopes()
            page = int(request.args.get("page", 1))
            active = platform.members[(page - 1) * 2:page * 2]       # two a page: the tool follows Link
            response = jsonify({"id": request.url, "context": {"id": platform.nrps_context_id, "title": "BP101"},
                                "members": [{"user_id": m.sub, "name": m.name, "email": m.email, "status": m.status,
                                             "roles": ROLES[m.role]} for m in active]})
            if page * 2 < len(platform.members):
                response.headers["Link"] = f'<{platform.url}/courses/{context}/memberships?page={page + 1}>; rel="next"'
            return response

        @app.post("/deep-link-return")
        def deep_link_return():
            platform.deep_link_jwt = request.form["JWT"]
            return "<!doctype html><title>Added</title><h1>Added to the LMS course</h1>"

        return app


def auto_post(url: str, fields: dict) -> str:
    """The OIDC form_post answer: a page that posts the fields to the tool at once."""
    inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items())
    return (f'<!doctype html><form id="f" method="post" action="{html.escape(url)}">{inputs}</form>'
            '<script>document.getElementById("f").submit()</script>')


class RunningPlatform:
    """The platform served on loopback in a thread (host: 127.0.0.1, or 'localhost' to be another site)."""

    def __init__(self, platform: SimulatedPlatform, host_name: str = "127.0.0.1"):
        self.platform = platform
        self.server = make_server("127.0.0.1", 0, platform.app(), threaded=True)
        platform.url = f"http://{host_name}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def new_member(role: str = "student", name: str | None = None) -> Member:
    sub = uuid.uuid4().hex[:12]
    name = name or f"{role.title()} {sub[:4]}"
    return Member(sub=sub, name=name, email=f"{name.lower().replace(' ', '.')}@lms.test", role=role)
