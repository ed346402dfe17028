# noqa: INP001 (a linkchecker plugin: loaded from its folder by path, never imported as a package)
"""A linkchecker plugin: every ``#anchor`` a page links to must exist in its target page.

linkchecker's own AnchorCheck parses the whole target page again for every
distinct ``page.html#anchor`` URL; the schema reference has hundreds of
anchors on one large page, which makes that take many minutes.  This plugin
works the other way round: when linkchecker reads a page of the site, it
takes every link of that page with an anchor, reads the target page's
``id`` and ``name`` attributes once (they are kept by file) and warns about
each anchor that is missing, naming the link.  It checks links to files of
the site (``file:`` URLs); anchors of external pages are not checked.

The ``linkcheck`` nox session enables it (section ``[PageAnchorCheck]`` of
``docs/linkcheckerrc``) and points ``XDG_DATA_HOME`` at ``docs/_linkcheck``,
where linkchecker looks for ``linkchecker/plugins/``.
"""

from __future__ import annotations

import html
import re
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from linkcheck.plugins import _ContentPlugin  # type: ignore[import-untyped]

_ANCHOR = re.compile(rb"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HREF = re.compile(rb"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(pattern: re.Pattern[bytes], raw: bytes) -> list[str]:
    return [html.unescape((a or b).decode("utf-8", "replace")) for a, b in pattern.findall(raw)]


class PageAnchorCheck(_ContentPlugin):  # type: ignore[misc]
    """Warn about each link of a page whose ``#anchor`` is not in the target page."""

    _anchors: dict[Path, frozenset[str]] = {}  # noqa: RUF012 (shared by the checker threads)
    _lock = threading.Lock()

    def applies_to(self, url_data: Any) -> bool:  # noqa: ANN401 (linkchecker's untyped object)
        """Check the HTML pages of the site itself."""
        return bool(url_data.is_html() and url_data.url.startswith("file:"))

    def _page_anchors(self, path: Path) -> frozenset[str] | None:
        with self._lock:
            anchors = self._anchors.get(path)
        if anchors is None:
            try:
                anchors = frozenset(_attributes(_ANCHOR, path.read_bytes()))
            except OSError:
                return None  # a missing page is linkchecker's own error
            with self._lock:
                self._anchors[path] = anchors
        return anchors

    def check(self, url_data: Any) -> None:  # noqa: ANN401 (linkchecker's untyped object)
        """Warn once per link whose anchor is missing in its (local) target page."""
        page_url = url_data.url.split("#", 1)[0]
        missing: set[str] = set()
        for href in _attributes(_HREF, url_data.get_raw_content()):
            if "#" not in href:
                continue
            target = urllib.parse.urljoin(page_url, href)
            base, _, fragment = target.partition("#")
            if not fragment or not base.startswith("file:"):
                continue
            path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(base).path))
            anchors = self._page_anchors(path)
            if anchors is not None and urllib.parse.unquote(fragment) not in anchors:
                missing.add(href)
        for href in sorted(missing):
            url_data.add_warning(f"link {href!r}: anchor not found in the target page")
