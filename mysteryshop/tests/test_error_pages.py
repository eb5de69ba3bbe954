"""The site's own error pages: plain words, one heading, a way home, never a stack trace."""

from __future__ import annotations

import re

from django.test import Client, RequestFactory
from django.urls import reverse

from mysteryshop import views


def looks_right(response, status: int, heading: str) -> str:
    content = response.content.decode()
    assert response.status_code == status
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", content) == [heading]
    assert "Traceback" not in content and "Exception" not in content and "settings.py" not in content
    assert 'href="/"' in content
    return content


def test_a_bad_request_has_its_own_page(client, db):
    # A Host header the site does not serve is refused as a bad request.
    response = client.get(reverse("home"), HTTP_HOST="evil.example")
    content = looks_right(response, 400, "Something was wrong with that request")
    assert "evil.example" not in content


def test_a_refused_page_has_its_own_page(client_for, volunteer):
    looks_right(client_for(volunteer).get(reverse("visits:visit-list")), 403, "You cannot see this page")


def test_a_missing_page_has_its_own_page(client, db):
    looks_right(client.get("/no-such-page/"), 404, "Page not found")


def test_a_form_sent_without_its_security_token_says_what_to_do(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    content = looks_right(response, 403, "Your form could not be sent")
    assert "CSRF" not in content


def test_a_server_error_has_a_page_that_needs_nothing():
    # Drawn without the database or a request context: the error may be the database itself.
    response = views.server_error(RequestFactory().get("/"))
    content = looks_right(response, 500, "Sorry, there is a problem with the service")
    assert "<main>" in content


def test_opening_by_link_what_only_a_button_does_has_its_own_page(client_for, volunteer):
    # A bookmark or an old e-mail may lead to a URL that only takes a form: not a blank screen.
    response = client_for(volunteer).get(reverse("visits:report-start", args=[1]))
    looks_right(response, 405, "This page is a button, not a link")
    assert response["Allow"] == "POST"
