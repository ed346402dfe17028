"""Fixtures of the browser tests: the built site on a local port, and headless Chromium.

The tests run only when ``DOCS_HTML`` names a built site (``nox -s browser``
sets it); otherwise they are skipped.  The browser is Debian's
``/usr/bin/chromium`` driven by Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every browser test, and skip them all unless DOCS_HTML names a built site."""
    html = os.environ.get("DOCS_HTML")
    reason = None
    if not html:
        reason = "DOCS_HTML is not set (run `nox -s browser`)"
    elif not (Path(html) / "index.html").is_file():
        reason = f"DOCS_HTML={html} has no index.html (build the site first)"
    elif not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        """Keep the test output free of access logs."""


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Serve DOCS_HTML on 127.0.0.1 at a free port, in a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=os.environ["DOCS_HTML"])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host!s}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser():
    """Start headless Chromium (the system's) once for the session."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only when the tests run)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, site_url):
    """A fresh page; every request it makes must stay on the local server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(site_url) else outside.append(request.url),
    )
    yield page
    context.close()
    assert outside == [], f"the page fetched from outside the site: {outside}"
