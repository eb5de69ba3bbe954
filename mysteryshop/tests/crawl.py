"""Walk the site as one person: every page and file they can reach by following links.

`crawl(client, starts)` asks for each start URL, then follows every link (`<a href>`), picture
(`<img src>`), file and redirect on the site, and every choice of a GET form's select boxes
(such as the results page's quarter and policing area), breadth first, each URL once. Only
GET requests are made: nothing a person could change by a POST is touched. Tests then search
what was found (`Found.text` reads HTML, CSV, JSON and SVG as text and a PDF's words).

Used by the guards that nothing unreleased reaches force liaison, and that text people type
is never taken as markup.
"""

from __future__ import annotations

import io
import itertools
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

# Never asked for: the admin has its own permissions; static files hold no data; signing out
# would end the walk.
SKIPPED = ("/static/", "/admin/", "/accounts/logout/")
# At most this many combinations of one GET form's choices.
MAX_FORM_CHOICES = 60


@dataclass
class Found:
    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def text(self) -> str:
        """What a person could read in it: a PDF's words, anything else as text."""
        if self.content_type.startswith("application/pdf"):
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(self.body))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        return self.body.decode("utf-8-sig", errors="replace")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("img", "source") and attrs.get("src"):
            self.links.append(attrs["src"])
        elif tag == "form":
            self._form = {"method": attrs.get("method", "get").lower(), "action": attrs.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, [])
        elif self._form is not None and tag == "option" and self._select:
            self._form["fields"][self._select].append(attrs.get("value", ""))
        elif self._form is not None and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "hidden" or (kind in ("radio", "checkbox") and attrs.get("value")):
                self._form["fields"].setdefault(attrs["name"], []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _local(url: str, base: str) -> str | None:
    """The site-relative URL of a link, or None for another site, a data: URI, a fragment or a skipped path."""
    joined = urljoin(base, url)
    parts = urlsplit(joined)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _form_urls(form: dict, base: str) -> list[str]:
    if form["method"] != "get":
        return []
    action = _local(form["action"] or base, base)
    if action is None:
        return []
    names = sorted(form["fields"])
    choices = [sorted(set(form["fields"][name])) or [""] for name in names]
    urls = []
    for values in itertools.islice(itertools.product(*choices), MAX_FORM_CHOICES):
        urls.append(action.split("?")[0] + "?" + urlencode(dict(zip(names, values, strict=True))))
    return urls


def crawl(client, starts: list[str], *, limit: int = 600) -> dict[str, Found]:
    """Everything reachable from `starts` by GET, as the client's person; URL → what came back."""
    queue, found = deque(starts), {}
    while queue and len(found) < limit:
        url = queue.popleft()
        if url in found:
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        content_type = response.get("Content-Type", "")
        found[url] = Found(url, response.status_code, content_type, body)
        following = []
        if response.status_code in (301, 302, 303, 307, 308):
            following.append(response["Location"])
        elif content_type.startswith("text/html"):
            page = _Page()
            page.feed(body.decode("utf-8", errors="replace"))
            following += page.links
            for form in page.forms:
                following += _form_urls(form, url)
        for link in following:
            local = _local(link, url)
            if local is not None and local not in found:
                queue.append(local)
    return found
