"""The public application form: eligibility, duplicates, bots and the confirmation."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from volunteers.models import Status, Volunteer

URL = reverse("volunteers:application-create")


def sixteen_years_ago() -> str:
    today = timezone.localdate()
    return today.replace(year=today.year - 16, day=min(today.day, 28)).isoformat()


def valid(**overrides):
    data = {
        "first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Example.org", "phone": "07911 123456",
        "postcode": "st16 2dq", "date_of_birth": "1970-03-04", "heard_about": "website",
        "force_connection": "none", "consent": "on",
    }  # fmt: skip
    return data | overrides


def test_an_application_is_recorded_and_confirmed_by_email(client, db, sent_email):
    response = client.post(URL, valid())
    assert response["Location"] == reverse("volunteers:application-received")
    volunteer = Volunteer.objects.get()
    assert volunteer.status == Status.APPLIED
    assert volunteer.email == "ada@example.org"
    assert volunteer.postcode == "ST16 2DQ"
    assert volunteer.status_changes.get().to_status == Status.APPLIED
    assert sent_email()[0].to == ["ada@example.org"]
    assert "Thank you for applying" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NOT A CODE", "Enter a real UK postcode"),
        ("phone", "12345", "Enter a UK phone number"),
        ("email", "not-an-email", "Enter an email address"),
        ("date_of_birth", "2090-01-01", "must be in the past"),
    ],
)
def test_bad_input_is_explained_beside_the_field(client, db, field, value, message):
    response = client.post(URL, valid(**{field: value}))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert f'href="#id_{field}' in content, "the error summary links to the field"
    assert not Volunteer.objects.exists()


def test_too_young_names_the_minimum_age(client, db, settings):
    settings.MYSTERYSHOP_MINIMUM_AGE = 18
    sixteen = sixteen_years_ago()
    response = client.post(URL, valid(date_of_birth=sixteen))
    assert "You must be 18 or over" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_scheme_with_a_lower_minimum_age_accepts_a_sixteen_year_old(client, db, settings):
    settings.MYSTERYSHOP_MINIMUM_AGE = 15
    sixteen = sixteen_years_ago()
    assert client.post(URL, valid(date_of_birth=sixteen)).status_code == 302
    assert Volunteer.objects.count() == 1


def test_serving_force_members_are_refused_politely(client, db):
    response = client.post(URL, valid(force_connection="officer"))
    assert "cannot take part, because the scheme tests the force independently" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_unspent_convictions_need_details(client, db):
    response = client.post(URL, valid(unspent_convictions="on"))
    assert "Tell us briefly about your unspent convictions" in response.content.decode()


def test_consent_to_the_privacy_notice_is_required(client, db):
    data = valid()
    del data["consent"]
    assert "Tick the box to agree" in client.post(URL, data).content.decode()


def test_applying_twice_with_the_same_email_gives_one_record_and_a_helpful_message(client, db):
    client.post(URL, valid())
    response = client.post(URL, valid(email="ADA@example.org", first_name="Ada Augusta"), follow=True)
    assert Volunteer.objects.count() == 1
    assert "We already have an application from this email address" in response.content.decode()


def test_a_filled_honeypot_keeps_nothing(client, db, sent_email):
    response = client.post(URL, valid(website="http://spam.example"))
    assert response.status_code == 302
    assert not Volunteer.objects.exists()
    assert not sent_email()


def test_too_many_applications_from_one_address_are_refused(client, db, settings):
    settings.MYSTERYSHOP_APPLICATIONS_PER_HOUR = 2
    for number in range(2):
        assert client.post(URL, valid(email=f"person{number}@example.org")).status_code == 302
    response = client.post(URL, valid(email="third@example.org"))
    assert response.status_code == 200
    assert "several applications from your connection" in response.content.decode()
    assert Volunteer.objects.count() == 2


def test_the_form_shows_the_privacy_notice_link_and_labels(client, db):
    content = client.get(URL).content.decode()
    assert reverse("volunteers:privacy-notice") in content
    assert 'for="id_postcode"' in content
