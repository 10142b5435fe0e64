"""The JSON API: results, errors, limits, headers and what gets logged."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("jinja2")
pytest.importorskip("python_multipart")
from starlette.routing import Route
from starlette.testclient import TestClient

from smtp_explain.decoding.bounce import decode
from smtp_explain.explanation import describe_reasons, explain, lookup
from smtp_explain.web import api
from smtp_explain.web.app import create_app
from smtp_explain.web.edge import CONTENT_SECURITY_POLICY

USER_UNKNOWN = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"


def dsn_mail(recipient: str = "bob@example.org", status: str = "5.1.1",
             diagnostic: str = "smtp; 550 5.1.1 <bob@example.org>: user unknown") -> bytes:
    """A small RFC 3464 delivery status notification for one recipient."""
    return (
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
        "To: alice@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Date: Mon, 03 Mar 2025 10:00:00 +0000\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n'
        "\n"
        "--B\n"
        "Content-Type: text/plain\n"
        "\n"
        "Your message could not be delivered.\n"
        "\n"
        "--B\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; mx.example.net\n"
        "\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        "Action: failed\n"
        f"Status: {status}\n"
        f"Diagnostic-Code: {diagnostic}\n"
        "\n"
        "--B--\n"
    ).encode()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def assert_error(response: object, status: int) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and body["error"]
    return str(body["error"])


# /api/explain ----------------------------------------------------------------

def test_explain_returns_the_library_json(client: TestClient) -> None:
    response = client.post("/api/explain", json={"text": USER_UNKNOWN, "lang": "en"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == explain(USER_UNKNOWN, "en").to_dict()
    assert response.json()["reason"] == "userunknown"
    assert response.json()["class"] == "permanent"


def test_explain_in_turkish_and_with_a_region_tag(client: TestClient) -> None:
    turkish = explain(USER_UNKNOWN, "tr")
    for lang in ("tr", "tr-TR", "TR"):
        body = client.post("/api/explain", json={"text": USER_UNKNOWN, "lang": lang}).json()
        assert body["lang"] == "tr"
        assert body["summary"] == turkish.summary
    assert client.post("/api/explain", json={"text": USER_UNKNOWN}).json()["lang"] == "en"


@pytest.mark.parametrize(
    ("body", "status", "word"),
    [
        (b"{not json", 400, "JSON"),
        (b"\xff\xfe", 400, "JSON"),
        (b"[1, 2]", 400, "object"),
        (b'{"lang": "en"}', 400, "text"),
        (b'{"text": "   "}', 400, "empty"),
        (b'{"text": 550}', 422, "string"),
        (b'{"text": "550", "lang": "de"}', 422, "lang"),
        (b'{"text": "550", "lang": 7}', 422, "lang"),
    ],
)
def test_explain_errors(client: TestClient, body: bytes, status: int, word: str) -> None:
    response = client.post("/api/explain", content=body,
                           headers={"content-type": "application/json"})
    assert word in assert_error(response, status)


def test_long_text_is_explained_off_the_event_loop(client: TestClient) -> None:
    text = "x" * 20_000 + " " + USER_UNKNOWN
    body = client.post("/api/explain", json={"text": text}).json()
    assert body["reason"] == "userunknown"
    assert len(body["input"]) < len(text)  # the library shortens its echo


# /api/bounce -----------------------------------------------------------------

def test_bounce_raw_body(client: TestClient) -> None:
    response = client.post("/api/bounce", content=dsn_mail(),
                           headers={"content-type": "message/rfc822"})
    assert response.status_code == 200
    [row] = response.json()
    assert row["recipient"] == "bob@example.org"
    assert row["status"] == "5.1.1"
    assert row["reason"] == "userunknown"
    assert row["hard_bounce"] is True


def test_bounce_multipart_upload_in_turkish(client: TestClient) -> None:
    response = client.post("/api/bounce?lang=tr",
                           files={"file": ("bounce.eml", dsn_mail(), "message/rfc822")})
    assert response.status_code == 200
    [row] = response.json()
    assert row["lang"] == "tr"
    assert row["summary"] == next(iter(decode(dsn_mail(), "tr"))).summary


def test_bounce_of_a_corpus_mail_matches_the_library(client: TestClient, corpus: Path) -> None:
    data = (corpus / "maildir" / "bsd" / "lhost-postfix-01.eml").read_bytes()
    response = client.post("/api/bounce", content=data)
    assert response.status_code == 200
    expected = [r.to_dict() for r in decode(data)]
    assert response.json() == expected and expected


def test_bounce_of_an_mbox_gives_every_recipient(client: TestClient) -> None:
    mails = [dsn_mail(f"user{i}@example.org") for i in range(3)]
    mbox = b"".join(b"From MAILER-DAEMON Mon Mar  3 10:00:00 2025\n" + m + b"\n" for m in mails)
    rows = client.post("/api/bounce", content=mbox).json()
    assert [r["recipient"] for r in rows] == [f"user{i}@example.org" for i in range(3)]


def test_bounce_of_a_mail_that_is_no_bounce(client: TestClient) -> None:
    mail = b"From: alice@example.com\nTo: bob@example.org\nSubject: Lunch?\n\nAt noon?\n"
    response = client.post("/api/bounce", content=mail)
    assert response.status_code == 200 and response.json() == []


def test_bounce_errors(client: TestClient) -> None:
    assert "empty" in assert_error(client.post("/api/bounce", content=b"  \n"), 400)
    assert "file" in assert_error(
        client.post("/api/bounce", files={"other": ("a.eml", b"x")}), 400)
    assert "lang" in assert_error(client.post("/api/bounce?lang=xx", content=dsn_mail()), 422)
    broken = client.post("/api/bounce", content=b"--x\r\nbroken",
                         headers={"content-type": "multipart/form-data"})
    assert "boundary" in assert_error(broken, 400)


# /api/codes and /api/reasons ------------------------------------------------------

def test_codes(client: TestClient) -> None:
    assert client.get("/api/codes/550").json() == lookup("550", "en").to_dict()
    status = client.get("/api/codes/5.7.26?lang=tr").json()
    assert status == lookup("5.7.26", "tr").to_dict()
    assert status["kind"] == "status" and status["class"] == "permanent"
    assert "599" in assert_error(client.get("/api/codes/599"), 404)
    assert "not an SMTP reply code" in assert_error(client.get("/api/codes/hello"), 422)


def test_reasons(client: TestClient) -> None:
    assert client.get("/api/reasons").json() == describe_reasons("en")
    turkish = client.get("/api/reasons?lang=tr").json()
    assert turkish == describe_reasons("tr") and len(turkish) == 36


def test_unknown_api_path_and_wrong_method(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404)
    response = client.get("/api/explain")
    assert_error(response, 405)
    assert response.headers["allow"] == "POST"


# OpenAPI ---------------------------------------------------------------------

def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    app_routes = {
        (route.path, method.lower())
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in route.methods or () if method != "HEAD"
    }
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert documented == app_routes


def test_openapi_result_schemas_follow_the_model(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    diagnosis = explain(USER_UNKNOWN).to_dict()
    assert set(schemas["Diagnosis"]["properties"]) == set(diagnosis)
    assert set(schemas["CodeInfo"]["properties"]) == set(lookup("550").to_dict())
    bounce = next(iter(decode(dsn_mail()))).to_dict()
    assert set(schemas["BounceResult"]["properties"]) == set(bounce)
    assert set(schemas["Reason"]["properties"]) == set(describe_reasons()[0])


# Limits ----------------------------------------------------------------------

def test_declared_body_over_the_limit_is_refused() -> None:
    with TestClient(create_app(max_upload=1000)) as small:
        response = small.post("/api/bounce", content=b"x" * 1001)
        assert "1000 bytes" in assert_error(response, 413)
        assert small.post("/api/bounce", content=dsn_mail()).status_code == 200
        assert_error(small.post("/api/explain", json={"text": "5" * 1200}), 413)


def test_streamed_body_over_the_limit_is_refused() -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for _ in range(50):
            yield b"y" * 100

    with TestClient(create_app(max_upload=1000)) as small:
        response = small.post("/api/bounce", content=chunks())
        assert_error(response, 413)
        upload = small.post("/api/bounce", files={"file": ("big.eml", b"z" * 5000)})
        assert_error(upload, 413)


def test_stalled_body_gives_408() -> None:
    app = create_app(body_timeout=0.2)
    sent: list[dict[str, object]] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/bounce", "raw_path": b"/api/bounce", "root_path": "",
        "query_string": b"", "headers": [(b"content-length", b"100")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }

    async def stalled_client() -> dict[str, object]:
        await asyncio.sleep(5)
        return {"type": "http.request", "body": b"x" * 100, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    started = time.monotonic()
    asyncio.run(app(scope, stalled_client, send))  # type: ignore[arg-type]
    assert time.monotonic() - started < 2
    assert sent[0]["status"] == 408
    assert b"did not arrive" in sent[1]["body"]  # type: ignore[operator]


def test_slow_decoding_gives_503(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(data: bytes, lang: str) -> object:
        time.sleep(1.0)
        raise AssertionError("the caller should have given up")

    monkeypatch.setattr(api, "decode_bounce", slow)
    with TestClient(create_app(time_limit=0.1)) as impatient:
        started = time.monotonic()
        responses = [impatient.post("/api/bounce", content=dsn_mail()) for _ in range(3)]
        # the runaway work keeps its threads busy: the third request cannot start either
        assert time.monotonic() - started < 0.9
        for response in responses:
            assert "too long" in assert_error(response, 503)
            assert response.headers["retry-after"]


# Headers and logging ----------------------------------------------------------

def test_security_headers_on_results_and_errors(client: TestClient) -> None:
    for response in (
        client.post("/api/explain", json={"text": USER_UNKNOWN}),
        client.get("/api/codes/hello"),
        client.get("/api/nothing-here"),
    ):
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    policy = CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy


def test_a_crash_is_a_json_500_with_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> object:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(api, "describe_reasons", broken)
    with TestClient(create_app(), raise_server_exceptions=False) as crashing:
        response = crashing.get("/api/reasons")
        assert assert_error(response, 500) == "internal error"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_access_log_has_size_and_timing_but_no_submitted_text(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "550 5.1.1 <very.secret.person@example.org> user unknown"
    caplog.set_level(logging.INFO, logger="smtp_explain.web.access")
    client.post("/api/explain", json={"text": secret})
    client.get("/explain", params={"q": secret})
    client.post("/api/bounce", content=dsn_mail("very.secret.person@example.org"))
    lines = [r.getMessage() for r in caplog.records if r.name == "smtp_explain.web.access"]
    assert len(lines) == 3
    assert lines[0].startswith("POST /api/explain 200 in=")
    assert lines[1].startswith("GET /explain 200 ")
    assert all("ms" in line and "out=" in line for line in lines)
    assert "secret" not in caplog.text and "very" not in caplog.text
