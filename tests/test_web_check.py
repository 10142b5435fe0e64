"""/check and /api/check: the same report as the CLI, with the guards of a public server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from check_support import RecordingHandler, ZoneResolver, dns_server, smtp_server
from smtp_explain.web.app import create_app
from smtp_explain.web.checking import RateLimiter


@pytest.fixture(scope="module")
def dns() -> Iterator[tuple[int, ZoneResolver]]:
    with dns_server() as server:
        yield server


@pytest.fixture(scope="module")
def plain_server() -> Iterator[tuple[int, RecordingHandler]]:
    with smtp_server(None) as server:
        yield server


def client(dns: tuple[int, ZoneResolver], **options: object) -> TestClient:
    app = create_app(check_nameservers=[("127.0.0.1", dns[0])], **options)  # type: ignore[arg-type]
    return TestClient(app)


def test_api_check_gives_the_cli_json(dns) -> None:
    with client(dns) as web:
        response = web.get("/api/check", params={"target": "eleven.test", "lang": "tr"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"target", "kind", "checks", "lang"}
    assert data["kind"] == "domain" and data["lang"] == "tr"
    spf = next(c for c in data["checks"] if c["id"] == "spf")
    assert spf["status"] == "fail" and "lookups=11/10" in spf["evidence"]


def test_api_check_errors(dns) -> None:
    with client(dns) as web:
        assert web.get("/api/check").status_code == 400
        assert web.get("/api/check", params={"target": "not a target"}).status_code == 422
        bad_port = web.get("/api/check", params={"target": "mail.good.test:2525"})
        assert bad_port.status_code == 422 and "2525" in bad_port.json()["error"]
        private = web.get("/api/check", params={"target": "127.0.0.1:25"})
        assert private.status_code == 422
        assert web.get("/api/check", params={"target": "good.test",
                                             "lang": "xx"}).status_code == 422


def test_private_addresses_resolved_from_names_are_not_contacted(dns, plain_server) -> None:
    _port, handler = plain_server
    with client(dns) as web:
        # localhost.test resolves to 127.0.0.1 in the test zones: refused, nothing connects
        data = web.get("/api/check", params={"target": "localhost.test:25"}).json()
    banner = next(c for c in data["checks"] if c["id"] == "smtp:banner")
    assert banner["status"] == "error"
    assert handler.rcpts == []


def test_rate_limit_per_client(dns) -> None:
    with client(dns) as web:
        codes = [web.get("/api/check", params={"target": "good.test"}).status_code
                 for _ in range(8)]
        last = web.get("/api/check", params={"target": "good.test"})
    assert codes[:6] == [200] * 6 and 429 in codes
    assert last.status_code == 429 and last.headers["retry-after"] == "60"


def test_rate_limiter_window_and_memory_bound() -> None:
    limiter = RateLimiter(limit=2, window=10)
    assert limiter.allow("a", 0) and limiter.allow("a", 1) and not limiter.allow("a", 2)
    assert limiter.allow("b", 2)
    assert limiter.allow("a", 11)  # the first one left the window


def test_check_page_renders_groups_in_both_languages(dns) -> None:
    with client(dns) as web:
        en = web.get("/check", params={"target": "good.test", "lang": "en"})
        tr = web.get("/check", params={"target": "good.test", "lang": "tr"})
        empty = web.get("/check")
        refused = web.get("/check", params={"target": "x.test:2525"})
    assert en.status_code == 200 and "Sender authentication" in en.text and "dkim:mail" in en.text
    assert tr.status_code == 200 and "Gönderen kimlik doğrulaması" in tr.text
    assert empty.status_code == 200 and 'name="target"' in empty.text
    assert refused.status_code == 422 and "2525" in refused.text


def test_explain_page_links_to_the_check(dns) -> None:
    with client(dns) as web:
        page = web.get("/explain", params={
            "q": "550 5.7.1 Client host [192.0.2.25] blocked using zen.spamhaus.org"})
    assert page.status_code == 200
    assert "/check?target=192.0.2.25" in page.text


def test_openapi_documents_api_check(dns) -> None:
    with client(dns) as web:
        spec = web.get("/openapi.json").json()
    operation = spec["paths"]["/api/check"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"target", "lang"}
    assert {"200", "400", "422", "429"} <= set(operation["responses"])
    assert "CheckReport" in spec["components"]["schemas"]


def test_smtp_probe_allowed_with_the_flag(dns, plain_server) -> None:
    port, _ = plain_server
    from smtp_explain.web import checking

    allowed = set(checking.ALLOWED_PORTS)
    checking.ALLOWED_PORTS = frozenset(allowed | {port})  # the test server's port
    try:
        with client(dns, check_private=True) as web:
            data = web.get("/api/check", params={"target": f"127.0.0.1:{port}"}).json()
    finally:
        checking.ALLOWED_PORTS = frozenset(allowed)
    banner = next(c for c in data["checks"] if c["id"] == "smtp:banner")
    assert banner["status"] == "pass"
