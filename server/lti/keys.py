"""Our RSA key pair for LTI: generated into the instance folder on first use (mode 0600), never
committed; platforms read its public half from our JWKS endpoint."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jwcrypto.jwk import JWK

KEY_FILE = "lti_private_key.pem"


@dataclass(frozen=True)
class ToolKey:
    private_pem: str
    public_pem: str
    kid: str
    public_jwk: dict


def key_path(instance_path: str | Path) -> Path:
    return Path(instance_path) / KEY_FILE


def ensure_private_key(path: Path) -> str:
    """The PEM at `path`, generated (RSA 2048, mode 0600) if there is none yet."""
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:       # another process wrote it first: use theirs
        return path.read_text()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(pem)
    return pem


@lru_cache(maxsize=8)
def _tool_key(private_pem: str) -> ToolKey:
    key = JWK.from_pem(private_pem.encode())
    kid = key.thumbprint()         # RFC 7638: stable for the key, changes when the key is replaced
    public = json.loads(key.export_public())
    public.update(kid=kid, alg="RS256", use="sig")
    return ToolKey(private_pem, key.export_to_pem(private_key=False).decode(), kid, public)


def tool_key(instance_path: str | Path) -> ToolKey:
    """The app's key pair (read from the instance folder; created there on the first call)."""
    return _tool_key(ensure_private_key(key_path(instance_path)))


def jwks(instance_path: str | Path) -> dict:
    return {"keys": [tool_key(instance_path).public_jwk]}
