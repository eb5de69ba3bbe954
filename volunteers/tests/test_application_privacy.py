"""Nobody can learn from the application form whether a person is, or was, a volunteer.

The whole answer — status, every header, every cookie, the page, and the page it leads
to — is the same for an e-mail address never seen, one that has already applied, and one
of a volunteer past or present; only the e-mail, which goes to the address's owner, differs.
Every complete application counts towards the hourly limit, so addresses cannot be tried
one after another either.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from volunteers.models import Status, Volunteer

from .factories import VolunteerFactory
from .test_apply import URL, valid

KNOWN = {
    "applied": "applied@example.org",
    "active": "active@example.org",
    "left": "former@example.org",
    "rejected": "turned-down@example.org",
}


@pytest.fixture
def people(db):
    for status, email in KNOWN.items():
        ended = timezone.now() if status in ("left", "rejected") else None
        VolunteerFactory(email=email, status=status, ended_at=ended)


def whole_answer(email: str) -> dict:
    """Everything a browser gets back for an application from `email`, and for the page it is sent on to."""
    browser = Client()
    posted = browser.post(URL, valid(email=email.upper()))
    shown = browser.get(posted["Location"]) if posted.status_code == 302 else None

    def described(response):
        return {
            "status": response.status_code,
            "headers": sorted(response.items()),
            "cookies": response.cookies.output(),
            "body": response.content.decode(),
        }

    return {"posted": described(posted), "shown": described(shown) if shown else None}


@pytest.mark.parametrize("status", KNOWN)
def test_an_application_from_a_known_address_gets_exactly_the_answer_a_new_one_gets(people, status, sent_email):
    # One moment for both, so the Expires header of a page not to be cached is the same too.
    with time_machine.travel(timezone.now(), tick=False):
        new = whole_answer("never-seen@example.org")
        known = whole_answer(KNOWN[status])
    assert new["posted"]["status"] == 302 and "Thank you for applying" in new["shown"]["body"]
    assert known == new
    # Only the e-mail, to the address's owner, says which it was.
    outbox = sent_email()
    assert [message.to for message in outbox] == [["never-seen@example.org"], [KNOWN[status]]]
    assert "We have your application" in outbox[0].body
    assert "We already have your details" in outbox[1].body
    assert Volunteer.objects.filter(email__iexact=KNOWN[status]).count() == 1
    assert Volunteer.objects.get(email=KNOWN[status]).status == status, "nothing held changes"


def test_the_same_address_twice_gets_the_same_answer_both_times(db):
    with time_machine.travel(timezone.now(), tick=False):
        first, second = whole_answer("ada@example.org"), whole_answer("ada@example.org")
    assert first == second
    assert Volunteer.objects.filter(status=Status.APPLIED).count() == 1


def test_every_application_counts_towards_the_hourly_limit_known_address_or_not(client, people, settings):
    settings.MYSTERYSHOP_APPLICATIONS_PER_HOUR = 3
    for email in (KNOWN["left"], KNOWN["active"], KNOWN["applied"]):
        assert client.post(URL, valid(email=email)).status_code == 302
    response = client.post(URL, valid(email="someone-new@example.org"))
    assert response.status_code == 200
    assert "several applications from your connection" in response.content.decode()
    assert not Volunteer.objects.filter(email="someone-new@example.org").exists()
    # Past the limit, a known address gets the same refusal as a new one.
    # (The form comes back holding what was typed, the address included, and a fresh CSRF token.)
    refused_known = _form_page(client.post(URL, valid(email=KNOWN["left"])), KNOWN["left"])
    assert refused_known == _form_page(
        client.post(URL, valid(email="another-new@example.org")), "another-new@example.org"
    )


def _form_page(response, email: str) -> str:
    page = response.content.decode().replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', page)


def test_a_bots_applications_count_too(client, db, settings):
    settings.MYSTERYSHOP_APPLICATIONS_PER_HOUR = 1
    client.post(URL, valid(website="http://spam.example"))
    assert "several applications" in client.post(URL, valid()).content.decode()


def test_a_form_sent_back_with_mistakes_does_not_use_up_the_limit(client, db, settings):
    """A mistyped postcode says nothing about anyone, so correcting it never locks a person out."""
    from volunteers.models import ApplicationAttempt

    settings.MYSTERYSHOP_APPLICATIONS_PER_HOUR = 1
    for _ in range(3):
        assert client.post(URL, valid(postcode="NOT A CODE")).status_code == 200
    assert not ApplicationAttempt.objects.exists()
    assert client.post(URL, valid()).status_code == 302
