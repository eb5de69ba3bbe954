"""Each e-mail, and the calendar file with it, is written in its recipient's language (issue 21): the language on
their record, whatever page the action that sent it was taken on."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from icalendar import Calendar

from mysteryshop.mail import send_email
from mysteryshop.models import OutgoingEmail
from visits import services
from visits.tests.factories import make_visit, ready_volunteer
from volunteers.models import Volunteer

from .test_welsh import APPLICATION, WELSH_ON

pytestmark = pytest.mark.django_db


def only_email_to(address: str) -> OutgoingEmail:
    (email,) = OutgoingEmail.objects.filter(to=address)
    return email


@WELSH_ON
@pytest.mark.parametrize(
    ("prefix", "language", "subject"),
    [
        ("", "en-gb", "Thank you for applying to be a mystery shopper"),
        ("/cy", "cy", "Diolch am wneud cais i fod yn siopwr cudd"),
    ],
)
def test_someone_who_applies_in_a_language_is_written_to_in_it(client, prefix, language, subject):
    client.post(f"{prefix}/volunteers/apply/", APPLICATION)
    assert Volunteer.objects.get(email="olwen@example.org").language == language
    email = only_email_to("olwen@example.org")
    assert email.subject == subject
    english_words = ("Thank you", "What happens next", "We will")
    if language == "cy":
        assert not any(words in email.body for words in english_words), email.body
    else:
        assert "Thank you" in email.body


@WELSH_ON
def test_a_volunteer_who_chose_welsh_gets_their_booking_and_its_calendar_in_welsh(coordinator, client_for):
    visit = make_visit(coordinator=coordinator)
    person = ready_volunteer(language="cy")
    english = ready_volunteer()
    for who in (person, english):
        services.assign(visit=visit, volunteer=who, by=coordinator)
    welsh_email, english_email = only_email_to(person.email), only_email_to(english.email)
    assert english_email.subject == "You have a new mystery shop visit"
    assert welsh_email.subject != english_email.subject and "mystery shop" not in welsh_email.subject
    assert "Please accept or decline" in english_email.body and "Please accept or decline" not in welsh_email.body
    assert "Derbyniwch neu gwrthodwch" in welsh_email.body and "Annwyl" in welsh_email.body
    import base64

    (event,) = Calendar.from_ical(base64.b64decode(welsh_email.attachments[0]["content"])).walk("VEVENT")
    (english_event,) = Calendar.from_ical(base64.b64decode(english_email.attachments[0]["content"])).walk("VEVENT")
    assert str(event["summary"]) != str(english_event["summary"])
    assert str(event["description"]) != str(english_event["description"])
    assert event.decoded("dtstart") == english_event.decoded("dtstart") == visit.starts_at


@WELSH_ON
def test_staff_are_written_to_in_their_language_whatever_page_the_volunteer_used(coordinator, client_for):
    visit = make_visit(coordinator=coordinator)
    person = ready_volunteer(language="cy")
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    client_for(person.user).post(f"/cy{reverse('visits:assignment-decline', args=[assignment.pk])}", {"reason": "Sâl"})
    email = only_email_to(coordinator.email)
    assert email.subject == "A volunteer can no longer go on a visit"


@WELSH_ON
def test_choosing_a_language_keeps_it_on_the_account_and_the_volunteer_record(client_for, volunteer):
    client = client_for(volunteer)
    page = client.get("/accounts/language/").content.decode()
    assert 'value="cy"' in page and "Cymraeg" in page
    response = client.post("/accounts/language/", {"language": "cy"})
    assert response["Location"] == "/cy/accounts/language/"
    volunteer.refresh_from_db()
    assert volunteer.language == "cy" and volunteer.volunteer.language == "cy"
    assert client.post("/accounts/language/", {"language": "fr"}).status_code == 400
    volunteer.refresh_from_db()
    assert volunteer.language == "cy", "a language the scheme does not offer is refused, nothing changed"


def test_with_welsh_off_everyone_is_written_to_in_english(coordinator):
    person = ready_volunteer(language="cy")
    send_email(to=person.email, subject=gettext_lazy("Sign out"), template="registration/password_reset_subject.txt")
    assert only_email_to(person.email).subject == "Sign out"


def test_a_subject_must_be_lazy_so_it_can_be_written_in_each_language():
    with pytest.raises(TypeError):
        send_email(to="a@example.org", subject="Plain text", template="registration/password_reset_subject.txt")
