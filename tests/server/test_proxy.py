"""Behind a reverse proxy (PROXY_HOPS=1), limits count each client, not the proxy."""
from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PROXY_HOPS": 1, "RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "2 per minute"}


def test_the_login_limit_counts_the_forwarded_client(client):
    def attempt(address: str) -> int:
        return client.post("/login", data={"email": "x@uni.test", "password": "wrong"},
                           headers={"X-Forwarded-For": address}).status_code
    assert [attempt("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert attempt("203.0.113.8") == 200          # another student behind the same proxy
