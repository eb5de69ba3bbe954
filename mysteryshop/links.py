"""Absolute links, for e-mails and calendar files: the one way to turn a page into an address.

The site's address is `MYSTERYSHOP_SITE_URL`. A real deployment sets it (`manage.py check
--deploy` says so when it is missing); the embedded demo leaves it empty and links to the
address the person is using, so a demo served on any port sends links that work. Outside a
request (a scheduled task) with nothing set, the demo's usual address is used.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.core import checks

# The demo's usual address (`make demo` serves it there).
DEMO_SITE_URL = "http://127.0.0.1:8000"

_request_origin: ContextVar[str | None] = ContextVar("request_origin", default=None)


def site_url() -> str:
    """The site's address, without a trailing slash, such as `https://mysteryshop.opcc.example`."""
    return settings.MYSTERYSHOP_SITE_URL or _request_origin.get() or DEMO_SITE_URL


def absolute_url(target) -> str:
    """The full address of a path (`/visits/3/`) or of an object with `get_absolute_url()`."""
    path = target if isinstance(target, str) else target.get_absolute_url()
    return f"{site_url()}{path}"


class SiteAddressMiddleware:
    """Remembers, for the length of a request, the address the person reached the site at.

    Only used when `MYSTERYSHOP_SITE_URL` is empty (the demo); the host has already been
    checked against ALLOWED_HOSTS by the time a view sends anything.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """A deployment must say its own address: e-mails sent by scheduled tasks have no request to go by."""
    if settings.MYSTERYSHOP_SITE_URL:
        return []
    return [
        checks.Warning(
            f"MYSTERYSHOP_SITE_URL is not set, so links in e-mails sent by scheduled tasks point at {DEMO_SITE_URL}.",
            hint="Set MYSTERYSHOP_SITE_URL to the address people use, such as https://mysteryshop.opcc.example.",
            id="mysteryshop.W001",
        )
    ]
