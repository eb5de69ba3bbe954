"""Security headers on every page a signed-in person sees, and on the public ones."""

import pytest
from django.urls import reverse

PAGES = [
    "home",
    "login",
    "volunteers:application-create",
    "reports:coordinator-home",
    "visits:visit-list",
    "scenarios:scenario-list",
]


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
