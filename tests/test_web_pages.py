"""The HTML pages: languages, results, the guide, cross-links and escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from smtp_explain import catalog
from smtp_explain.explanation import explain, lookup
from smtp_explain.web import openapi
from smtp_explain.web.app import create_app
from smtp_explain.web.findings import MAX_FINDINGS
from smtp_explain.web.templating import TEMPLATES_DIR, environment
from test_web_api import USER_UNKNOWN, dsn_mail

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover=alert(1) x="'
GUIDE_PAGES = ("/", "/codes", "/codes/550", "/status", "/status/5.7.26", "/status/X.1.1",
               "/reasons", "/reasons/userunknown", "/docs")


class Page(HTMLParser):
    """What the tests look at in a page: links, title, description, text, attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sources: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.title = ""
        self.description = ""
        self.lang = ""
        self.inline_scripts = 0
        self._in_title = False
        self._in_script = False
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag in ("script", "img") or (tag == "link" and found.get("rel") != "alternate"):
            self.sources.append(str(found.get("src") or found.get("href")))
        if tag == "script":
            self._in_script = True
            if not found.get("src"):
                self.inline_scripts += 1
        if tag == "title":
            self._in_title = True
        if tag == "meta" and found.get("name") == "description":
            self.description = str(found.get("content"))
        if tag == "html":
            self.lang = str(found.get("lang"))

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def page(client: TestClient, url: str, status: int = 200, **kwargs: object) -> Page:
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, (url, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


# Languages ---------------------------------------------------------------------

def test_language_from_accept_language_and_from_the_url(client: TestClient) -> None:
    assert page(client, "/").lang == "en"
    assert page(client, "/", headers={"accept-language": "tr-TR,tr;q=0.9,en;q=0.8"}).lang == "tr"
    assert page(client, "/", headers={"accept-language": "de-DE,de;q=0.9"}).lang == "en"
    assert page(client, "/", headers={"accept-language": "de, tr;q=0.5, en;q=0.4"}).lang == "tr"
    assert page(client, "/?lang=en", headers={"accept-language": "tr"}).lang == "en"
    assert page(client, "/?lang=tr").lang == "tr"
    response = client.get("/?lang=tr")
    assert response.headers["content-language"] == "tr"
    assert "Accept-Language" in response.headers["vary"]


@pytest.mark.parametrize("url", GUIDE_PAGES)
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_link_keeps_the_language(client: TestClient, url: str, lang: str) -> None:
    found = page(client, f"{url}?lang={lang}")
    assert found.lang == lang
    internal = [link for link in found.links if link.startswith("/")]
    assert internal
    for link in internal:
        assert parse_qs(urlsplit(link).query).get("lang") in (["en"], ["tr"]), link
    switches = [link for link in internal if urlsplit(link).path == urlsplit(url).path]
    langs = {parse_qs(urlsplit(link).query)["lang"][0] for link in switches}
    assert langs == {"en", "tr"}, "a language switch on every page"


@pytest.mark.parametrize("url", GUIDE_PAGES)
def test_titles_and_descriptions_per_page(client: TestClient, url: str) -> None:
    english, turkish = page(client, url + "?lang=en"), page(client, url + "?lang=tr")
    assert english.title and turkish.title and english.title != turkish.title
    assert 40 <= len(english.description) <= 160
    assert english.description != turkish.description
    site = catalog.texts("en", "web")["labels"]["site_name"]
    assert english.title.endswith(site)


def test_titles_differ_between_pages(client: TestClient) -> None:
    titles = [page(client, url).title for url in GUIDE_PAGES]
    assert len(set(titles)) == len(titles)


# Results -------------------------------------------------------------------------

def test_shareable_result(client: TestClient) -> None:
    d = explain(USER_UNKNOWN, "en")
    found = page(client, "/explain", params={"q": USER_UNKNOWN})
    text = found.all_text
    labels = catalog.texts("en", "web")["labels"]
    assert d.summary in text and "userunknown" in text
    assert labels["class_permanent"] in text
    for part in d.meaning:
        assert part.title in text
    for step in (*d.next_steps.sender, *d.next_steps.admin):
        assert step in text
    assert "/reasons/userunknown?lang=en" in found.links
    assert "/codes/550?lang=en" in found.links and "/status/5.1.1?lang=en" in found.links
    response = client.get("/explain", params={"q": USER_UNKNOWN})
    assert response.headers["cache-control"] == "no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_result_in_turkish(client: TestClient) -> None:
    d = explain(USER_UNKNOWN, "tr")
    text = page(client, "/explain", params={"q": USER_UNKNOWN, "lang": "tr"}).all_text
    assert d.summary in text and d.explanation in text
    assert catalog.texts("tr", "web")["labels"]["class_permanent"] in text


def test_blocklist_result_links_to_delisting(client: TestClient) -> None:
    text = "554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org"
    d = explain(text)
    assert d.blocklist is not None
    found = page(client, "/explain", params={"q": text})
    assert d.blocklist.lookup in found.links
    assert d.blocklist.name in found.all_text


def test_form_post_redirects_to_the_shareable_url(client: TestClient) -> None:
    response = client.post("/explain?lang=tr", files={"text": (None, USER_UNKNOWN)},
                           follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert target.path == "/explain"
    assert parse_qs(target.query) == {"q": [USER_UNKNOWN], "lang": ["tr"]}


def test_long_pasted_text_is_answered_directly(client: TestClient) -> None:
    text = USER_UNKNOWN + "\n" + "more log lines\n" * 300
    response = client.post("/explain", files={"text": (None, text)}, follow_redirects=False)
    assert response.status_code == 200
    assert explain(text).summary in Page(response.text).all_text


def test_form_without_input_says_so(client: TestClient) -> None:
    response = client.post("/explain", files={"text": (None, " ")})
    assert response.status_code == 400
    assert catalog.texts("en", "web")["labels"]["nothing_submitted"] in response.text


def test_plain_urlencoded_form_works_too(client: TestClient) -> None:
    response = client.post("/explain", data={"text": USER_UNKNOWN}, follow_redirects=False)
    assert response.status_code == 303
    too_many = client.post("/explain", content="&".join(f"f{i}=x" for i in range(100)),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert too_many.status_code == 400


def test_empty_query_goes_home(client: TestClient) -> None:
    response = client.get("/explain?lang=tr", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/?lang=tr"


def test_uploaded_bounce_shows_one_row_per_recipient(client: TestClient) -> None:
    mbox = b"".join(
        b"From MAILER-DAEMON Mon Mar  3 10:00:00 2025\n" + dsn_mail(f"user{i}@example.org") + b"\n"
        for i in range(3)
    )
    response = client.post("/explain", files={"file": ("bounces.mbox", mbox, "application/mbox")})
    assert response.status_code == 200
    found = Page(response.text)
    rows = re.findall(r"<tr class=\"row-(\w+)\">", response.text)
    assert rows == ["hard", "hard", "hard"]
    for i in range(3):
        assert f"user{i}@example.org" in found.all_text
    # one explanation card for the one distinct error, linked from each row
    assert response.text.count('<article class="card') == 1
    assert found.links.count("#finding-1") == 3
    assert "bounces.mbox" in found.all_text


def test_many_distinct_errors_get_a_bounded_number_of_cards(client: TestClient) -> None:
    statuses = [f"5.{s}.{d}" for s in range(1, 8) for d in range(4)][:25]
    mbox = b"".join(
        b"From MAILER-DAEMON Mon Mar  3 10:00:00 2025\n"
        + dsn_mail(f"user{i}@example.org", status, f"smtp; 550 {status} refused") + b"\n"
        for i, status in enumerate(statuses)
    )
    response = client.post("/explain", files={"file": ("many.mbox", mbox)})
    assert response.status_code == 200
    assert response.text.count("<tr class=\"row-") == 25
    assert 1 < response.text.count('<article class="card') <= MAX_FINDINGS


def test_upload_that_is_no_bounce(client: TestClient) -> None:
    mail = b"From: a@example.com\nTo: b@example.org\nSubject: hi\n\nhello\n"
    response = client.post("/explain", files={"file": ("hello.eml", mail)})
    assert response.status_code == 200
    assert catalog.texts("en", "web")["labels"]["no_recipients"] in response.text


def test_too_large_upload_is_a_page_for_people() -> None:
    with TestClient(create_app(max_upload=2000)) as small:
        response = small.post("/explain", files={"file": ("big.eml", b"x" * 5000)})
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("text/html")
        assert catalog.texts("en", "web")["labels"]["too_large_title"] in response.text
        assert "2000" not in response.text or "MB" in response.text


# Escaping ------------------------------------------------------------------------

def assert_inert(html: str) -> None:
    """No payload survived as markup: no inline script, no event-handler attribute."""
    found = Page(html)
    assert SCRIPT not in html and ATTRIBUTE not in html
    assert found.inline_scripts == 0
    assert not [a for a in found.attributes if a[1].startswith("on")]


@pytest.mark.parametrize("payload", [SCRIPT, ATTRIBUTE, f"550 5.1.1 {SCRIPT}{ATTRIBUTE}"])
def test_pasted_payloads_come_back_escaped(client: TestClient, payload: str) -> None:
    response = client.get("/explain", params={"q": payload})
    assert response.status_code == 200
    assert_inert(response.text)
    assert payload in Page(response.text).all_text  # shown, as text
    direct = client.post("/explain", files={"text": (None, payload + "\n" * 2100)})
    assert_inert(direct.text)


def test_uploaded_payloads_come_back_escaped(client: TestClient) -> None:
    mail = dsn_mail("bob@example.org", "5.1.1", f"smtp; 550 5.1.1 {SCRIPT} user unknown {ATTRIBUTE}")
    response = client.post("/explain", files={"file": (f"{SCRIPT}.eml", mail)})
    assert response.status_code == 200
    assert_inert(response.text)
    text = Page(response.text).all_text
    assert f"{SCRIPT}.eml" in text  # the file name, as text
    assert f"{SCRIPT} user unknown {ATTRIBUTE}" in text  # the server's words, as text


def test_code_path_payload_is_not_reflected(client: TestClient) -> None:
    response = client.get("/codes/" + SCRIPT)
    assert response.status_code == 404
    assert_inert(response.text)


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    for path in TEMPLATES_DIR.glob("*.html"):
        source = path.read_text()
        assert "|safe" not in source.replace(" ", ""), path.name
        assert re.search(r"<script(?![^>]*\bsrc=)", source) is None, path.name
        assert "<style" not in source and " style=" not in source, path.name
        assert re.search(r"\son\w+=", source) is None, path.name
    assert environment.autoescape is True or callable(environment.autoescape)


# The guide -----------------------------------------------------------------------

def test_codes_page_lists_every_reply_code_by_first_digit(client: TestClient) -> None:
    response = client.get("/codes?lang=tr")
    found = Page(response.text)
    codes = catalog.facts("reply_codes")["codes"]
    for code in codes:
        assert f"/codes/{code}?lang=tr" in found.links
    headings = re.findall(r'id="class-(\d)"', response.text)
    assert headings == sorted({code[0] for code in codes})


def test_status_page_lists_all_81_codes(client: TestClient) -> None:
    found = page(client, "/status")
    listed = {link.split("?")[0] for link in found.links if link.startswith("/status/")}
    assert len(listed) == 81
    assert {link.rsplit("/", 1)[1] for link in listed} == set(
        catalog.facts("status_codes")["codes"])


def test_every_guide_link_resolves(client: TestClient) -> None:
    seen: set[str] = set()
    for url in ("/codes", "/status", "/reasons"):
        for link in page(client, url).links:
            if link.startswith("/") and link not in seen:
                seen.add(link)
                assert client.get(link).status_code == 200, link
    assert len(seen) > 81 + 36 + 40


def test_cross_links(client: TestClient) -> None:
    status = page(client, "/status/5.7.26")
    assert "/reasons/authfailure?lang=en" in status.links
    assert lookup("5.7.26").summary in status.all_text
    reason = page(client, "/reasons/userunknown")
    assert "/status/X.1.1?lang=en" in reason.links
    assert "/codes/550?lang=en" in reason.links
    code = page(client, "/codes/550")
    assert "/reasons/userunknown?lang=en" in code.links
    assert any(link.startswith("/status/5.1.1") for link in code.links)
    generic = page(client, "/status/X.7.26")
    assert "/status/5.7.26?lang=en" in generic.links


def test_code_pages_explain_digit_by_digit(client: TestClient) -> None:
    info = lookup("421", "tr")
    text = page(client, "/codes/421?lang=tr").all_text
    for part in info.meaning:
        assert part.title in text


def test_unknown_and_misplaced_codes(client: TestClient) -> None:
    unknown = page(client, "/codes/599", status=404)
    assert lookup("599").meaning[0].title in unknown.all_text
    page(client, "/codes/hello", status=404)
    page(client, "/reasons/nope", status=404)
    page(client, "/no/such/page", status=404)
    moved = client.get("/codes/5.7.26?lang=tr", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/status/5.7.26?lang=tr"
    assert client.get("/status/x.1.1", follow_redirects=False).headers["location"] == (
        "/status/X.1.1?lang=en")


def test_docs_page_lists_the_api_and_loads_nothing_external(client: TestClient) -> None:
    found = page(client, "/docs")
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:
        assert path in found.all_text
    for url in GUIDE_PAGES:
        assert all(s.startswith("/static/") for s in page(client, url).sources), url


def test_docs_page_shows_the_api_in_its_language(client: TestClient) -> None:
    for lang, summary in (("en", "Explain an SMTP error text"),
                          ("tr", "Bir SMTP hata metnini açıkla")):
        found = page(client, f"/docs?lang={lang}")
        assert f"/openapi.json?lang={lang}" in found.links
        spec = client.get(f"/openapi.json?lang={lang}").json()
        assert spec["paths"]["/api/explain"]["post"]["summary"] == summary
        for ops in spec["paths"].values():
            for op in ops.values():
                assert op["summary"] in found.all_text
                for response in op["responses"].values():
                    assert response["description"] in found.all_text
    assert "Bir SMTP hata metnini açıkla" not in page(client, "/docs?lang=en").all_text


def test_static_files(client: TestClient) -> None:
    css = client.get("/static/style.css")
    js = client.get("/static/site.js")
    assert css.status_code == js.status_code == 200
    assert "http" not in css.text and "@import" not in css.text
    assert "fetch(" not in js.text and "http" not in js.text


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/nope"), client.get("/static/style.css")):
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_every_label_in_the_templates_exists_in_every_language() -> None:
    used: set[str] = set()
    for path in TEMPLATES_DIR.glob("*.html"):
        source = path.read_text()
        used |= set(re.findall(r"\bt\.(\w+)", source))
        used |= set(re.findall(r"\bt\['(\w+)'\]", source))
    prefixed = {
        "class_": ("success", "intermediate", "temporary", "permanent", "unknown"),
        "retry_": ("no", "later", "after_fix", "not_needed"),
        "who_": ("sender", "sender_admin", "recipient", "recipient_admin", "nobody"),
        "bounce_kind_": ("hard", "soft", "none"),
        "evidence_": ("rule", "status", "reply_code", "blocklist", "provider", "user_rule"),
        "reply_position_": ("1", "2", "3"),
        "status_position_": ("1", "2", "3"),
    }
    for label in ("not_found", "method", "failed", "too_large", "too_slow", "slow_body", "bad_form"):
        used |= {f"{label}_title", f"{label}_text"}
    used |= {prefix + value for prefix, values in prefixed.items() for value in values}
    used.discard("format")
    for lang in catalog.languages():
        labels = catalog.texts(lang, "web")["labels"]
        assert used - set(labels) == set(), lang


def test_result_puts_cause_and_next_steps_before_the_digits(client: TestClient) -> None:
    text = "554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org"
    d = explain(text)
    assert d.blocklist is not None and d.meaning and d.evidence
    html = client.get("/explain", params={"q": text}).text
    card = html[html.index('<article class="card'):]
    positions = [card.index(marker) for marker in (
        f">{escape(d.summary)}</h2>",    # headline
        f">{escape(d.explanation)}</p>",  # cause
        'id="next-steps"',               # what to do now
        escape(d.next_steps.sender[0]),
        'class="box blocklist"',         # blocklist box
        '<details class="meaning" id="digits">',  # digit by digit, folded
        escape(d.meaning[0].title),
        'class="card-foot"',             # evidence
    )]
    assert positions == sorted(positions)
    assert '<details class="meaning" id="digits" open' not in card


def test_bounce_cards_have_unique_ids_and_rows_link_to_them(client: TestClient) -> None:
    mbox = b"".join(
        b"From MAILER-DAEMON Mon Mar  3 10:00:00 2025\n" + mail + b"\n" for mail in (
            dsn_mail("a@example.org"),
            dsn_mail("b@example.org", "5.2.2", "smtp; 552 5.2.2 <b@example.org>: mailbox full"),
        ))
    response = client.post("/explain", files={"file": ("two.mbox", mbox)})
    assert response.text.count('<article class="card') == 2
    found = Page(response.text)
    ids = [value for _, name, value in found.attributes if name == "id"]
    assert len(ids) == len(set(ids))
    assert "next-steps" in ids and "digits" in ids
    for anchor in {link for link in found.links if link.startswith("#finding-")}:
        assert anchor[1:] in ids


def test_home_examples_include_a_mail_program_error_and_the_seed_guides_own(
        client: TestClient) -> None:
    for lang in catalog.languages():
        examples = catalog.texts(lang, "web")["examples"]["replies"]
        assert "İleti gönderilemedi. Hata 421" in examples
        assert any("0x800CCC0E" in example for example in examples)
        home = page(client, f"/?lang={lang}")
        for example in examples:
            href = f"/explain?{urlencode({'q': example, 'lang': lang})}"
            assert href in home.links
            assert explain(example, lang).summary in page(client, href).all_text


def test_file_control_is_a_labelled_button_in_each_language(client: TestClient) -> None:
    for lang in catalog.languages():
        html = client.get(f"/?lang={lang}").text
        choose = str(escape(catalog.texts(lang, "web")["labels"]["file_choose"]))
        label = re.search(r'<label class="file-button">(.*?)</label>', html, re.S)
        assert label is not None, lang
        assert '<input id="file" name="file" type="file" class="file-input"' in label.group(1)
        assert f"<span>{choose}</span>" in label.group(1)
        assert html.count('type="file"') == 1


def _send_example(client: TestClient, path: str, method: str, op: dict[str, Any],
                  lang: str) -> Any:
    """Send an operation's documented example request; return the JSON answer."""
    for parameter in op.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", parameter["example"])
    content = op.get("requestBody", {}).get("content", {})
    if "example" in content.get("application/json", {}):
        response = client.request(method, path, json=content["application/json"]["example"])
    elif "example" in content.get("message/rfc822", {}):
        response = client.request(method, path, params={"lang": lang},
                                  content=content["message/rfc822"]["example"].encode(),
                                  headers={"content-type": "message/rfc822"})
    else:
        response = client.request(method, path, params={"lang": lang})
    assert response.status_code == 200, (path, response.text)
    return response.json()


def test_docs_show_each_endpoints_example_and_its_real_response(client: TestClient) -> None:
    for lang in catalog.languages():
        spec = client.get(f"/openapi.json?lang={lang}").json()
        html = client.get(f"/docs?lang={lang}").text
        text = Page(html).all_text
        assert "10 MB" in text and "10485760" not in html
        examples = 0
        for path, methods in spec["paths"].items():
            for method, op in methods.items():
                ok = op["responses"]["200"]
                request = openapi.example_request(path, method, op, "http://testserver", lang)
                assert str(escape(request)) in html, path
                if "example" not in ok["content"]["application/json"]:
                    # a live check (DNS, SMTP): the page says why there is no fixed answer
                    assert path == "/api/check" and "target=example.com" in request
                    assert catalog.texts(lang, "web")["labels"]["docs_example_live"] in text
                    continue
                documented = ok["content"]["application/json"]["example"]
                answered = _send_example(client, path, method, op, lang)
                if ok.get("x-example-shortened"):
                    assert 0 < len(documented) < len(answered)
                    answered = answered[:len(documented)]
                assert documented == answered, path
                shown = json.dumps(documented, indent=2, ensure_ascii=False)
                assert str(escape(shown)) in html, path
                request = openapi.example_request(path, method, op, "http://testserver", lang)
                assert path.split("{")[0] in request
                assert str(escape(request)) in html, path
                examples += 1
        assert examples == 4
