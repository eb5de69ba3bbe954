"""Security headers and cookies: on every named URL, under the production settings.

`settings.PRODUCTION_SECURITY` is what `DJANGO_DEBUG=0` adds (HTTPS redirect, HSTS,
secure `__Host-` cookies); the tests apply exactly that dict with override_settings and
make their requests over HTTPS, as a browser behind the site's proxy would.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from conftest import sign_in_as
from mysteryshop.access import ACCESS, OK

from .world import URL_KWARGS, named_urls

PAGES = [
    "home",
    "login",
    "volunteers:application-create",
    "reports:coordinator-home",
    "visits:visit-list",
    "scenarios:scenario-list",
]
YEAR = 60 * 60 * 24 * 365
# Who asks for each URL in the production walk: someone the matrix lets in, so the real page is drawn.
WALKERS = ("coordinator", "commissioner", "force_liaison", "volunteer", "applicant")
INLINE = [
    # A data block (json_script) is never run; anything else inline would be.
    (re.compile(r"<script\b(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE), "an inline event handler"),
]


def header_problems(response, *, signed_in: bool) -> list[str]:
    """Everything wrong with one response's security headers and cookies."""
    problems = []
    expected = {
        "Strict-Transport-Security": f"max-age={YEAR}; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name} is {response.get(name)!r}")
    policy = response.get("Content-Security-Policy", "")
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        if "frame-ancestors 'none'" not in policy or "default-src 'self'" not in policy:
            problems.append(f"Content-Security-Policy is {policy!r}")
        if "unsafe-inline" in policy or "unsafe-eval" in policy:
            problems.append("Content-Security-Policy allows inline code")
    else:
        # A file (receipt, photo, chart, export, report) runs nothing, whatever it holds.
        directives = {part.strip().split(" ")[0]: part.strip() for part in policy.split(";") if part.strip()}
        if directives.get("default-src") != "default-src 'none'" or "sandbox" not in directives:
            problems.append(f"a {content_type} file is not sandboxed: Content-Security-Policy is {policy!r}")
        if "script-src" in directives or "frame-ancestors 'none'" not in policy:
            problems.append(f"a {content_type} file may run script or be framed: {policy!r}")
        shown = content_type.startswith(("image/", "application/json"))
        if not shown and not response.get("Content-Disposition", "").startswith("attachment"):
            problems.append(f"a {content_type} file is opened by the browser, not downloaded")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r} on a signed-in page")
    for name, cookie in response.cookies.items():
        if cookie.value == "" and cookie["max-age"] == 0:
            continue  # a cookie being deleted
        if not name.startswith("__Host-") or not cookie["secure"] or cookie["path"] != "/" or cookie["domain"]:
            problems.append(f"cookie {name} is not a secure __Host- cookie")
        if not cookie["httponly"] or cookie["samesite"] not in ("Lax", "Strict"):
            problems.append(f"cookie {name} is readable by scripts or sent cross-site")
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        content = response.content.decode(errors="replace")
        problems += [f"the page has {what}" for pattern, what in INLINE if pattern.search(content)]
    return problems


# --- The development settings (what the other tests run with) ----------------------------------


@pytest.mark.parametrize("url_name", PAGES)
def test_pages_carry_the_security_headers(client_for, coordinator, url_name):
    response = client_for(coordinator).get(reverse(url_name))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    assert "no-store" in response["Cache-Control"]


def test_public_pages_are_not_marked_no_store_for_anonymous_visitors(client, db):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_posted_public_form_is_never_stored(client, db):
    """The application form sent back with errors shows what was typed: personal data."""
    response = client.post(reverse("volunteers:application-create"), {"first_name": "Margaret"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- Production -------------------------------------------------------------------------------------


@pytest.fixture
def production():
    with override_settings(**settings.PRODUCTION_SECURITY):
        yield


def test_production_redirects_plain_http_to_https(client, db, production):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver" + reverse("login")


def test_production_cookies_are_secure_host_cookies(client, db, production):
    response = client.get(reverse("login"), secure=True)
    assert "__Host-csrftoken" in response.cookies
    assert header_problems(response, signed_in=False) == []


def test_every_named_url_carries_the_security_headers_in_production(world, client, production):
    """Each URL as someone the matrix lets in (real pages, files and redirects), and as a signed-out visitor."""
    client.raise_request_exception = False
    problems, checked = [], 0
    for walker in (*WALKERS, "anonymous"):
        client.logout()
        if walker != "anonymous":
            sign_in_as(client, world.users[walker])
        for name, _route in named_urls():
            access = ACCESS[name]
            let_in = next((role for role in WALKERS if access.outcomes[role] == OK), "anonymous")
            if (walker != "anonymous" and walker != let_in) or name == "logout":
                continue
            kwargs = URL_KWARGS[name](world) if name in URL_KWARGS else {}
            url = reverse(name, kwargs=kwargs)
            with transaction.atomic():
                if access.method == "POST":
                    response = client.post(url, {}, secure=True)
                else:
                    response = client.get(url, secure=True)
                transaction.set_rollback(True)
            found = header_problems(response, signed_in=walker != "anonymous")
            if response.status_code >= 500:
                found.append(f"server error {response.status_code}")
            problems += [f"{name} as {walker} ({response.status_code}): {problem}" for problem in found]
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 2 * 100


# --- Error pages Django answers before any view ------------------------------------------------


def _security_headers(response) -> dict:
    names = (
        "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
        "Cross-Origin-Opener-Policy", "Strict-Transport-Security",
    )  # fmt: skip
    return {name: response.get(name) for name in names}


@pytest.mark.parametrize("secure", [False, True])
@pytest.mark.parametrize("in_production", [False, True])
def test_a_host_the_site_does_not_serve_gets_the_same_security_headers_as_any_page(client, db, secure, in_production):
    """The 400 for a bad Host header is raised inside Django's middleware (the HTTPS redirect and
    CommonMiddleware ask for the host); it must still carry every header a page does."""
    overrides = settings.PRODUCTION_SECURITY if in_production else {}
    with override_settings(**overrides):
        page = client.get(reverse("login"), secure=True)
        refused = client.get(reverse("login"), secure=secure, HTTP_HOST="evil.example")
    assert refused.status_code == 400
    expected = _security_headers(page)
    if not secure:
        expected["Strict-Transport-Security"] = None  # HSTS is only ever sent over HTTPS
    assert _security_headers(refused) == expected
    assert expected["Content-Security-Policy"] and expected["X-Frame-Options"] == "DENY"
