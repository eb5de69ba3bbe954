"""Links in e-mails are whole addresses, built one way (`mysteryshop.links`), and right in the demo
whatever port it is served on."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import delivered_email
from visits import services
from visits.tests.factories import make_visit, ready_volunteer
from volunteers.models import Status
from volunteers.tests.factories import VolunteerFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
EMAIL_TEMPLATES = [
    *TEMPLATES.glob("*/email/*.txt"),
    TEMPLATES / "reports" / "documents" / "report_email.txt",
    TEMPLATES / "registration" / "password_reset_email.html",
]
# A page of the site named in a template: a reversed URL or an object's own address.
PAGE = re.compile(r"(\{% url [^%]*%\}|\{\{ [\w.]*get_absolute_url \}\})")


def test_every_page_an_email_names_is_a_whole_address():
    assert len(EMAIL_TEMPLATES) > 15
    bare = []
    for path in EMAIL_TEMPLATES:
        text = path.read_text()
        for match in PAGE.finditer(text):
            if not text[: match.start()].endswith("{{ site_url }}"):
                bare.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert bare == [], "links without the site's address: " + ", ".join(bare)


@pytest.fixture
def declined_pair(coordinator):
    visit = make_visit(coordinator=coordinator)
    first, _second = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    return visit, first


def decline_at(client_for, assignment, host, callbacks):
    with callbacks(execute=True):
        client_for(assignment.volunteer.user).post(
            reverse("visits:assignment-decline", args=[assignment.pk]), {"reason": ""}, HTTP_HOST=host
        )


def test_the_demo_links_to_the_address_it_is_browsed_at(
    client_for, coordinator, declined_pair, settings, django_capture_on_commit_callbacks
):
    settings.MYSTERYSHOP_SITE_URL = ""
    visit, first = declined_pair
    delivered_email().clear()  # the bookings' own e-mails, written before the address was set
    decline_at(client_for, first, "127.0.0.1:8104", django_capture_on_commit_callbacks)
    (told,) = [message for message in delivered_email() if message.to == [coordinator.email]]
    assert f"http://127.0.0.1:8104{visit.get_absolute_url()}" in told.body
    assert ":8000" not in "".join(message.body for message in delivered_email())


def test_a_deployment_links_to_its_own_address_whatever_host_a_request_used(
    client_for, coordinator, declined_pair, settings, django_capture_on_commit_callbacks
):
    settings.MYSTERYSHOP_SITE_URL = "https://mysteryshop.opcc.example"
    visit, first = declined_pair
    delivered_email().clear()  # the bookings' own e-mails, written before the address was set
    decline_at(client_for, first, "127.0.0.1:8104", django_capture_on_commit_callbacks)
    (told,) = [message for message in delivered_email() if message.to == [coordinator.email]]
    assert f"https://mysteryshop.opcc.example{visit.get_absolute_url()}" in told.body
    assert "127.0.0.1" not in "".join(message.body for message in delivered_email())


def test_the_invitation_to_train_links_to_the_sites_address(
    client_for, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MYSTERYSHOP_SITE_URL = "https://mysteryshop.opcc.example"
    person = VolunteerFactory(status=Status.SCREENING, email="new.person@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(
            reverse("volunteers:volunteer-transition", args=[person.pk]), {"to": Status.TRAINING}, HTTP_HOST="localhost"
        )
    (invitation,) = [message for message in delivered_email() if message.to == ["new.person@example.org"]]
    assert re.search(r"https://mysteryshop\.opcc\.example/accounts/reset/\S+", invitation.body)


def test_the_password_reset_link_uses_the_sites_address(client, django_user_model, settings):
    settings.MYSTERYSHOP_SITE_URL = "https://mysteryshop.opcc.example"
    django_user_model.objects.create_user("margaret", "margaret@example.org", "x" * 20)
    client.post(reverse("password_reset"), {"email": "margaret@example.org"}, HTTP_HOST="localhost")
    (message,) = delivered_email()
    assert "https://mysteryshop.opcc.example/accounts/reset/" in message.body
    assert "localhost" not in message.body
