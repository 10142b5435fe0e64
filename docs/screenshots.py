"""Regenerate the README's pictures of the result page.

    .venv/bin/python docs/screenshots.py            # writes docs/screenshot.png and
                                                    # docs/screenshot-phone.png
    .venv/bin/python docs/screenshots.py --out DIR  # somewhere else

Starts the web app on 127.0.0.1 at a free port (in a thread, stopped at the end) and
photographs one result page with Debian's headless Chromium (/usr/bin/chromium, driven by
Playwright): a 1200 px wide desktop window down to the folded digit-by-digit
meaning, and the first screen of a 390x844 phone (in Turkish).
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import uvicorn
from playwright.sync_api import ViewportSize, sync_playwright

from smtp_explain.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
# A realistic rejection: a Spamhaus listing named in a 550 reply.
ERROR = ("550 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using "
         "zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.7")
# name, language of the page, viewport, pixel ratio
SHOTS = (
    ("screenshot.png", "en", ViewportSize(width=1200, height=1430), 1),
    ("screenshot-phone.png", "tr", ViewportSize(width=390, height=844), 2),
)


@contextmanager
def local_server() -> Iterator[str]:
    """The web app on 127.0.0.1 at a free port, for the duration of the block."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def take(out: Path) -> list[Path]:
    """Write the screenshots into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with local_server() as base, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
        try:
            for name, lang, viewport, ratio in SHOTS:
                phone = viewport["width"] < 600
                context = browser.new_context(viewport=viewport, device_scale_factor=ratio,
                                              is_mobile=phone, has_touch=phone,
                                              locale="tr-TR" if lang == "tr" else "en-US")
                page = context.new_page()
                page.goto(f"{base}/explain?{urlencode({'q': ERROR, 'lang': lang})}")
                page.wait_for_selector("#next-steps")
                path = out / name
                page.screenshot(path=str(path))
                written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: run `apt-get install chromium`", file=sys.stderr)
        return 1
    for path in take(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
