"""The web page in a real browser: Debian's Chromium driven by Playwright.

The server runs in a thread on 127.0.0.1 at a free port. Without /usr/bin/chromium
every test here fails with one line naming the package (make test installs it when
run as root); none is skipped. Screenshots of the result page go to
test-output/; the README's pictures are made by docs/screenshots.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

import playwright.sync_api as playwright_api
import pytest
import uvicorn

from smtp_explain import catalog
from smtp_explain.decoding.bounce import decode
from smtp_explain.explanation import explain
from smtp_explain.web.app import create_app
from test_web_api import USER_UNKNOWN, dsn_mail

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Playwright, Route

CHROMIUM = Path("/usr/bin/chromium")
MISSING_CHROMIUM = f"{CHROMIUM} is missing: run `apt-get install chromium` (make test does it as root)"

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
SCREENSHOTS = ROOT / "docs" / "screenshots.py"
BOUNCE = ROOT / "tests" / "data" / "bounces" / "maildir" / "bsd" / "lhost-postfix-01.eml"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
BLOCKED = "554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover=alert(1) x="'
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}
# Realistic errors people paste: a Spamhaus listing, the seed guide's own Turkish
# mail-program error, an unknown user.
SPAMHAUS_550 = ("550 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using "
                "zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.7")
FIRST_SCREEN_CASES = [
    ("en", SPAMHAUS_550),
    ("tr", SPAMHAUS_550),
    ("tr", "İleti gönderilemedi. Hata 421"),
    ("en", USER_UNKNOWN),
]
CASE_IDS = ["spamhaus-en", "spamhaus-tr", "hata-421-tr", "user-unknown-en"]


def result_url(server: str, text: str, lang: str = "en") -> str:
    return f"{server}/explain?{urlencode({'q': text, 'lang': lang})}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                            access_log=False)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        assert thread.is_alive(), "the server thread died"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():  # a test that cannot run fails; it never skips
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    with playwright_api.sync_playwright() as driver:
        yield driver


def launch(playwright: Playwright, profile: Path, javascript: bool = True,
           phone: bool = False) -> BrowserContext:
    """Chromium with a fresh profile folder: a 1200x900 desktop or a 390x844 phone."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
        locale="en-US",
        java_script_enabled=javascript,
    )


@pytest.fixture(scope="module")
def browser_context(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[BrowserContext]:
    context = launch(playwright, tmp_path_factory.mktemp("chromium-profile"))
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone_context(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[BrowserContext]:
    context = launch(playwright, tmp_path_factory.mktemp("chromium-phone"), phone=True)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext, server: str) -> Iterator[Page]:
    yield from guarded_tab(browser_context, server)


@pytest.fixture
def phone(phone_context: BrowserContext, server: str) -> Iterator[Page]:
    yield from guarded_tab(phone_context, server)


def guarded_tab(context: BrowserContext, server: str) -> Iterator[Page]:
    """A fresh tab that fails the test on JavaScript errors, dialogs or CSP reports."""
    tab = context.new_page()
    problems: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":  # CSP violations are reported here
            problems.append(f"console: {message.text}")

    def only_local(route: Route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            problems.append(f"outgoing: {route.request.url}")
            route.abort()

    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("dialog", on_dialog)
    tab.on("console", on_console)
    tab.route("**/*", only_local)
    yield tab
    tab.close()
    assert problems == []


def test_paste_a_reply_and_see_the_reason(page: Page, server: str) -> None:
    page.goto(server + "/?lang=en")
    page.fill("#text", USER_UNKNOWN)
    page.click("form.ask button[type=submit]")
    page.wait_for_url("**/explain?**")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": [USER_UNKNOWN], "lang": ["en"]}
    card = page.locator("article.card").first
    assert card.locator("a[href^='/reasons/']").inner_text() == catalog.reason_name("en", "userunknown")
    assert card.locator("code.reason-id").inner_text() == "userunknown"
    assert explain(USER_UNKNOWN).summary in card.inner_text()
    assert catalog.texts("en", "web")["labels"]["class_permanent"] in card.inner_text()


def test_switch_to_turkish(page: Page, server: str) -> None:
    page.goto(result_url(server, USER_UNKNOWN))
    page.click("nav.langs a[hreflang=tr]")
    page.wait_for_url("**lang=tr**")
    assert page.get_attribute("html", "lang") == "tr"
    body = page.inner_text("main")
    assert explain(USER_UNKNOWN, "tr").summary in body
    assert catalog.texts("tr", "web")["labels"]["next_steps"] in body
    for href in page.eval_on_selector_all(
        "main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    ):
        assert "lang=tr" in href


def test_upload_a_bounce_and_see_its_recipients(page: Page, server: str, tmp_path: Path
                                                ) -> None:
    source = BOUNCE if BOUNCE.is_file() else tmp_path / "bounce.eml"
    if not BOUNCE.is_file():
        source.write_bytes(dsn_mail())
    expected = [r.recipient for r in decode(source.read_bytes())]
    assert expected
    page.goto(server + "/?lang=en")
    page.set_input_files("#file", str(source))
    assert source.name in page.inner_text("[data-drop-name]")
    page.click("form.ask button[type=submit]")
    page.wait_for_selector("table.recipients")
    cells = page.locator("table.recipients tbody tr td:first-child").all_inner_texts()
    assert cells == expected
    assert source.name in page.inner_text("#bounce-h")


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_choose_a_bounce_with_the_labelled_button(page: Page, server: str, tmp_path: Path,
                                                  lang: str) -> None:
    page.goto(f"{server}/?lang={lang}")
    name = catalog.texts(lang, "web")["labels"]["file_choose"]
    assert page.get_by_label(name, exact=True).get_attribute("id") == "file"
    native = page.locator("#file").bounding_box()
    assert native is not None and native["width"] <= 1 and native["height"] <= 1
    button = page.locator("label.file-button")
    assert button.is_visible() and button.inner_text().strip() == name
    bounce = tmp_path / "chosen.eml"
    bounce.write_bytes(dsn_mail("chosen@example.org"))
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(bounce))
    assert "chosen.eml" in page.inner_text("[data-drop-name]")
    page.click("form.ask button[type=submit]")
    page.wait_for_selector("table.recipients")
    assert page.inner_text("table.recipients tbody td:first-child") == "chosen@example.org"


def test_drop_a_bounce_on_the_drop_zone(page: Page, server: str) -> None:
    page.goto(server + "/?lang=tr")
    page.evaluate(
        """(mail) => {
            const files = new DataTransfer();
            files.items.add(new File([mail], "dropped.eml", {type: "message/rfc822"}));
            document.querySelector("[data-drop]").dispatchEvent(
                new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
        }""",
        dsn_mail("dropped@example.org").decode(),
    )
    page.wait_for_selector("table.recipients")
    assert page.get_attribute("html", "lang") == "tr"
    assert page.inner_text("table.recipients tbody td:first-child") == "dropped@example.org"
    assert "dropped.eml" in page.inner_text("#bounce-h")


def test_everything_works_without_javascript(playwright: Playwright, server: str,
                                             tmp_path: Path) -> None:
    context = launch(playwright, tmp_path / "profile", javascript=False)
    try:
        tab = context.new_page()
        tab.goto(server + "/?lang=tr")
        tab.fill("#text", USER_UNKNOWN)
        tab.click("form.ask button[type=submit]")
        tab.wait_for_url("**/explain?**")
        assert explain(USER_UNKNOWN, "tr").summary in tab.inner_text("main")
        tab.goto(server + "/?lang=en")
        bounce = tmp_path / "bounce.eml"
        bounce.write_bytes(dsn_mail("nojs@example.org"))
        tab.set_input_files("#file", str(bounce))
        tab.click("form.ask button[type=submit]")
        tab.wait_for_selector("table.recipients")
        assert "nojs@example.org" in tab.inner_text("table.recipients")
    finally:
        context.close()


def test_follow_guide_links(page: Page, server: str) -> None:
    page.goto(result_url(server, USER_UNKNOWN))
    page.click("article.card a[href^='/reasons/']")
    page.wait_for_url("**/reasons/userunknown?lang=en")
    assert "userunknown" in page.title()
    page.click("a[href^='/codes/550']")
    page.wait_for_url("**/codes/550?lang=en")
    assert page.inner_text("h1").startswith("550")
    page.click("footer a[href^='/status']")
    page.wait_for_url("**/status?lang=en")
    assert page.locator("ul.code-list a").count() == 81


@pytest.mark.parametrize("payload", [SCRIPT, ATTRIBUTE, f"550 {SCRIPT}{ATTRIBUTE}"])
def test_xss_payloads_stay_inert(page: Page, server: str, payload: str) -> None:
    page.goto(server + "/?lang=en")
    page.fill("#text", payload)
    page.click("form.ask button[type=submit]")
    page.wait_for_selector("article.card")
    assert payload in page.inner_text("pre.input")
    page.hover("pre.input")
    page.hover("article.card h2")
    injected = page.evaluate(
        """() => ({
            inlineScripts: [...document.scripts].filter(s => !s.src).length,
            handlers: [...document.querySelectorAll('*')].flatMap(
                el => [...el.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
            strayAttributes: document.querySelectorAll('[x]').length,
        })"""
    )
    assert injected == {"inlineScripts": 0, "handlers": [], "strayAttributes": 0}
    # the fixture also fails the test had any dialog (alert) opened


def layout(tab: Page) -> dict[str, float]:
    """Where the parts of the first result card sit, in CSS pixels from the top."""
    return tab.evaluate(
        """() => {
            const card = document.querySelector("article.card");
            const bottom = (selector) => card.querySelector(selector).getBoundingClientRect().bottom;
            return {
                headline: bottom(".card-head h2"),
                cause: bottom(".cause p"),
                next_steps: bottom("#next-steps h3"),
                first_step: bottom("#next-steps li"),
                digits: bottom("#digits"),
                page_width: document.documentElement.scrollWidth,
            };
        }"""
    )


@pytest.mark.parametrize(("lang", "text"), FIRST_SCREEN_CASES, ids=CASE_IDS)
def test_next_steps_are_on_the_first_phone_screen(phone: Page, server: str, lang: str,
                                                   text: str) -> None:
    phone.goto(result_url(server, text, lang))
    assert phone.viewport_size == PHONE
    where = layout(phone)
    assert where["headline"] < where["cause"] < where["next_steps"] < where["digits"]
    assert where["next_steps"] <= PHONE["height"], where
    assert where["page_width"] <= PHONE["width"], "the page scrolls sideways"
    heading = phone.locator("#next-steps h3")
    assert heading.inner_text() == catalog.texts(lang, "web")["labels"]["next_steps"]
    assert heading.is_visible()


@pytest.mark.parametrize(("lang", "text"), FIRST_SCREEN_CASES, ids=CASE_IDS)
def test_cause_and_first_step_are_on_the_first_desktop_screen(page: Page, server: str,
                                                               lang: str, text: str) -> None:
    page.goto(result_url(server, text, lang))
    where = layout(page)
    assert where["headline"] < where["cause"] < where["next_steps"] < where["digits"]
    assert where["first_step"] <= DESKTOP["height"], where
    assert where["page_width"] <= DESKTOP["width"]


def test_digits_are_folded_and_open_without_javascript(playwright: Playwright, server: str,
                                                       tmp_path: Path) -> None:
    context = launch(playwright, tmp_path / "profile", javascript=False, phone=True)
    try:
        tab = context.new_page()
        tab.goto(result_url(server, SPAMHAUS_550))
        first_digit = tab.locator("#digits ol.digits li").first
        assert not first_digit.is_visible()
        tab.click("#digits summary")
        assert first_digit.is_visible()
        assert explain(SPAMHAUS_550).meaning[0].title in first_digit.inner_text()
    finally:
        context.close()


def test_screenshot_of_a_result(page: Page, server: str) -> None:
    page.goto(result_url(server, BLOCKED))
    page.wait_for_selector("article.card .blocklist")
    OUTPUT.mkdir(exist_ok=True)
    full = OUTPUT / "result-page.png"
    page.screenshot(path=str(full), full_page=True)
    top = OUTPUT / "screenshot.png"
    page.screenshot(path=str(top))
    assert full.stat().st_size > 20_000 and top.stat().st_size > 20_000


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_readme_screenshots_script(playwright: Playwright, tmp_path: Path) -> None:
    """docs/screenshots.py (which makes the README's pictures) still works."""
    done = subprocess.run([sys.executable, str(SCREENSHOTS), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert png_size(tmp_path / "screenshot.png")[0] == DESKTOP["width"]
    assert png_size(tmp_path / "screenshot-phone.png") == (PHONE["width"] * 2,
                                                           PHONE["height"] * 2)
    for name in ("screenshot.png", "screenshot-phone.png"):
        assert (tmp_path / name).stat().st_size > 50_000  # a rendered page, not a blank one
