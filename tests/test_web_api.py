"""The JSON API: results, errors, limits, headers and what gets logged."""

from __future__ import annotations

import asyncio
import logging
import re
import string
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from smtp_explain import catalog
from smtp_explain.decoding.bounce import decode
from smtp_explain.explanation import describe_reasons, explain, lookup
from smtp_explain.web import api
from smtp_explain.web.app import create_app
from smtp_explain.web.edge import CONTENT_SECURITY_POLICY
from smtp_explain.web.upload import MAX_PARTS

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


def stalled_upload(headers: list[tuple[bytes, bytes]] | None = None) -> list[dict[str, Any]]:
    """What the app sends when the client stops sending its body (0.2 s body timeout)."""
    app = create_app(body_timeout=0.2)
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/bounce", "raw_path": b"/api/bounce", "root_path": "",
        "query_string": b"", "headers": [(b"content-length", b"100"), *(headers or [])],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }

    async def stalled_client() -> dict[str, object]:
        await asyncio.sleep(5)
        return {"type": "http.request", "body": b"x" * 100, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    started = time.monotonic()
    asyncio.run(app(scope, stalled_client, send))  # type: ignore[arg-type]
    assert time.monotonic() - started < 2
    return sent


def test_stalled_body_gives_408() -> None:
    sent = stalled_upload()
    assert sent[0]["status"] == 408
    assert b"did not arrive" in sent[1]["body"]


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


# Languages of the errors and of the OpenAPI document ----------------------------

MANY_PARTS = {f"f{i}": (f"{i}.eml", b"x") for i in range(MAX_PARTS + 1)}
MULTIPART_X = {"content-type": "multipart/form-data; boundary=x"}

# method, URL, request arguments, status, English words, Turkish words
API_ERRORS = [
    ("POST", "/api/explain", {"content": b"{not json"}, 400,
     'not valid JSON: send {"text": "...", "lang": "en"}',
     'geçerli bir JSON değil; şu biçimde gönderin: {"text": "...", "lang": "tr"}'),
    ("POST", "/api/explain", {"content": b"[1, 2]"}, 400,
     "must be a JSON object", "bir JSON nesnesi olmalı"),
    ("POST", "/api/explain", {"content": b"{}"}, 400, 'missing "text"', '"text" alanı eksik'),
    ("POST", "/api/explain", {"content": b'{"text": 550}'}, 422,
     '"text" must be a string', '"text" alanı bir metin (string) olmalı'),
    ("POST", "/api/explain", {"content": b'{"text": " "}'}, 400,
     '"text" is empty', '"text" alanı boş'),
    ("POST", "/api/explain", {"content": b'{"text": "550", "lang": "de"}'}, 422,
     "lang must be one of: en, tr", "lang şunlardan biri olmalı: en, tr"),
    ("POST", "/api/bounce", {"content": b"  \n"}, 400,
     "the body is empty", "istek gövdesi boş"),
    ("POST", "/api/bounce", {"files": {"other": ("a.eml", b"x")}}, 400,
     'no (non-empty) "file" field', 'dolu bir "file" alanı yok'),
    ("POST", "/api/bounce",
     {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data"}}, 400,
     "without a boundary", "sınır (boundary) belirtilmemiş"),
    ("POST", "/api/bounce", {"content": b"garbage", "headers": MULTIPART_X}, 400,
     "the form data is malformed", "form verisi bozuk"),
    ("POST", "/api/bounce", {"files": MANY_PARTS}, 400,
     "too many form parts", "formda çok fazla parça var"),
    ("GET", "/api/codes/hello", {}, 422,
     "'hello' is not an SMTP reply code", "'hello' bir SMTP yanıt kodu (550 gibi)"),
    ("GET", "/api/codes/599", {}, 404, "599 is not in the catalogue", "599 katalogda yok"),
    ("GET", "/api/nothing-here", {}, 404,
     "not found: /api/nothing-here", "bulunamadı: /api/nothing-here"),
    ("GET", "/api/explain", {}, 405,
     "method not allowed; allowed: POST", "HTTP metoduna izin verilmiyor; izin verilenler: POST"),
    ("POST", "/openapi.json", {}, 405,
     # the order of the allowed methods is Starlette's (a set): checked against the header below
     "method not allowed; allowed: ", "HTTP metoduna izin verilmiyor; izin verilenler: "),
]
# ?lang=xx is the error itself, so only Accept-Language can ask for Turkish
BAD_LANG_ERRORS = [
    ("POST", "/api/bounce?lang=xx", {"content": dsn_mail()}),
    ("GET", "/api/codes/550?lang=xx", {}),
    ("GET", "/api/reasons?lang=xx", {}),
]


def ask(client: TestClient, method: str, url: str, kwargs: dict[str, Any],
        accept_language: str | None = None, lang: str | None = None) -> Any:
    headers = dict(kwargs.get("headers", {}))
    if accept_language:
        headers["accept-language"] = accept_language
    if lang:
        url += ("&" if "?" in url else "?") + f"lang={lang}"
    return client.request(method, url, **{**kwargs, "headers": headers})


@pytest.mark.parametrize(("method", "url", "kwargs", "status", "english", "turkish"), API_ERRORS)
def test_api_errors_answer_in_the_language_asked_for(
    client: TestClient, method: str, url: str, kwargs: dict[str, Any], status: int,
    english: str, turkish: str,
) -> None:
    for answer in (ask(client, method, url, kwargs),
                   ask(client, method, url, kwargs, accept_language="de, en;q=0.5, tr;q=0.4"),
                   ask(client, method, url, kwargs, accept_language="tr", lang="en")):
        message = assert_error(answer, status)
        assert english in message and turkish not in message
    for answer in (ask(client, method, url, kwargs, accept_language="tr-TR,tr;q=0.9,en;q=0.8"),
                   ask(client, method, url, kwargs, lang="tr")):
        message = assert_error(answer, status)
        assert turkish in message and english not in message
        assert "Accept-Language" in answer.headers["vary"]  # caches keep both languages
    if status == 405:
        assert message.endswith(": " + answer.headers["allow"])


@pytest.mark.parametrize(("method", "url", "kwargs"), BAD_LANG_ERRORS)
def test_unsupported_lang_is_refused_in_the_language_of_the_request(
    client: TestClient, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    english = assert_error(ask(client, method, url, kwargs), 422)
    assert english == "lang must be one of: en, tr"
    turkish = assert_error(ask(client, method, url, kwargs, accept_language="tr"), 422)
    assert turkish == "lang şunlardan biri olmalı: en, tr"


def test_explain_errors_follow_the_lang_of_the_body(client: TestClient) -> None:
    for body, status, turkish in (
        ({"lang": "tr"}, 400, '"text" alanı eksik'),
        ({"text": 550, "lang": "tr-TR"}, 422, '"text" alanı bir metin (string) olmalı'),
        ({"text": "  ", "lang": "TR"}, 400, '"text" alanı boş'),
    ):
        assert turkish in assert_error(client.post("/api/explain", json=body), status)
        # the body's language wins over the headers and the URL
        in_english = client.post("/api/explain?lang=tr", json={**body, "lang": "en"},
                                 headers={"accept-language": "tr"})
        assert '"text"' in assert_error(in_english, status)
        assert "alanı" not in in_english.json()["error"]
    # an unusable lang in the body leaves the choice to the request
    refused = client.post("/api/explain", json={"text": "550", "lang": "de"},
                          headers={"accept-language": "tr"})
    assert assert_error(refused, 422) == "lang şunlardan biri olmalı: en, tr"


def test_limits_answer_in_turkish() -> None:
    with TestClient(create_app(max_upload=1000)) as small:
        response = small.post("/api/bounce", content=b"x" * 1001, headers={"accept-language": "tr"})
        assert assert_error(response, 413) == "istek gövdesi 1000 bayttan büyük"
        response = small.post("/api/explain?lang=tr", json={"text": "5" * 1200})
        assert assert_error(response, 413) == "istek gövdesi 1000 bayttan büyük"
    sent = stalled_upload([(b"accept-language", b"tr")])
    assert sent[0]["status"] == 408
    assert "istek gövdesi 0.2 saniye içinde gelmedi" in sent[1]["body"].decode()


def test_slow_decoding_and_crashes_answer_in_turkish(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(data: bytes, lang: str) -> object:
        time.sleep(0.5)
        raise AssertionError("the caller should have given up")

    def broken(*args: object) -> object:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(api, "decode_bounce", slow)
    monkeypatch.setattr(api, "describe_reasons", broken)
    with TestClient(create_app(time_limit=0.1), raise_server_exceptions=False) as app:
        busy = app.post("/api/bounce", content=dsn_mail(), headers={"accept-language": "tr"})
        assert assert_error(busy, 503) == (
            "sunucu meşgul ya da işlem çok uzun sürdü: 0.1 saniye sonra vazgeçildi")
        assert busy.headers["retry-after"]
        crash = app.get("/api/reasons?lang=tr")
        assert assert_error(crash, 500) == "sunucuda beklenmeyen bir hata oluştu"
        assert crash.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _texts(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Every text of a (nested) table, by its dotted key."""
    found: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            found |= _texts(value, f"{prefix}{key}.")
        else:
            found[prefix + key] = value
    return found


@pytest.mark.parametrize("lang", [lang for lang in catalog.languages() if lang != "en"])
def test_api_translations_keep_every_placeholder(lang: str) -> None:
    english = _texts(catalog.texts("en", "api"))
    translated = _texts(catalog.texts(lang, "api"))
    assert any(_placeholders(text) for text in english.values())
    for key, text in english.items():
        assert _placeholders(translated[key]) == _placeholders(text), f"{lang} {key}"
        values = dict.fromkeys(_placeholders(text), "x")
        assert translated[key].format(**values), f"{lang} {key}"  # a stray brace raises here


def test_every_error_key_the_server_uses_has_a_text() -> None:
    web = Path(api.__file__).parent
    source = "\n".join(path.read_text() for path in web.glob("*.py"))
    used = set(re.findall(r'ApiError\(\d+, "(\w+)"', source))
    used |= set(re.findall(r'FormError\("(\w+)"\)', source))
    used |= set(re.findall(r'CheckRefused\(\d+, "(\w+)"', source))
    used |= set(re.findall(r'^\s+key = "(\w+)"$', source, re.MULTILINE))
    used |= set(re.findall(r'_error\(request, [^,]+, "\w+", "(\w+)"', source))
    used |= set(re.findall(r'error_text\([^,]+, "(\w+)"', source))
    assert len(used) >= 15
    assert used == set(catalog.texts("en", "api")["errors"])  # and no text is left unused


def _without_texts(value: Any) -> Any:
    """The document with every summary, description and example (they are in the
    document's language) blanked out."""
    if isinstance(value, dict):
        return {k: "" if k == "example" or (k in ("summary", "description") and isinstance(v, str))
                else _without_texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_texts(v) for v in value]
    return value


def _operation_texts(spec: dict[str, Any]) -> list[str]:
    """The info description and every summary and description under "paths"."""
    found = [spec["info"]["description"]]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("summary", "description") and isinstance(v, str):
                    found.append(v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(spec["paths"])
    return found


def test_openapi_in_turkish(client: TestClient) -> None:
    english = client.get("/openapi.json").json()
    response = client.get("/openapi.json?lang=tr")
    assert response.status_code == 200
    assert response.headers["content-language"] == "tr"
    assert "Accept-Language" in response.headers["vary"]
    turkish = response.json()
    assert client.get("/openapi.json", headers={"accept-language": "tr"}).json() == turkish
    assert client.get("/openapi.json?lang=en", headers={"accept-language": "tr"}).json() == english
    assert turkish["paths"]["/api/explain"]["post"]["summary"] == "Bir SMTP hata metnini açıkla"
    assert turkish["paths"]["/api/codes/{code}"]["get"]["responses"]["404"]["description"] == (
        "kod katalogda yok")
    assert english["paths"]["/api/explain"]["post"]["summary"] == "Explain an SMTP error text"
    # the same paths, operations, parameters, response codes and schemas; only the texts differ
    assert _without_texts(turkish) == _without_texts(english)
    assert [(path, list(ops)) for path, ops in turkish["paths"].items()] == [
        (path, list(ops)) for path, ops in english["paths"].items()]
    for path, ops in english["paths"].items():
        for method, op in ops.items():
            assert list(turkish["paths"][path][method]["responses"]) == list(op["responses"])
    pairs = list(zip(_operation_texts(english), _operation_texts(turkish), strict=True))
    assert len(pairs) > 20
    for text, translation in pairs:
        assert translation != text, text
    assert "istek gövdesi 10 MB sınırından büyük" in response.text
