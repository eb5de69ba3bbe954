"""The public application form: eligibility, duplicates, bots and the confirmation."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from volunteers.models import Status, Volunteer

URL = reverse("volunteers:application-create")


def born(day: date) -> dict:
    """A date of birth as typed into the three boxes."""
    return {"date_of_birth_0": str(day.day), "date_of_birth_1": str(day.month), "date_of_birth_2": str(day.year)}


def sixteen_years_ago() -> dict:
    today = timezone.localdate()
    return born(today.replace(year=today.year - 16, day=min(today.day, 28)))


def valid(**overrides):
    data = {
        "first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Example.org", "phone": "07911 123456",
        "postcode": "st16 2dq", **born(date(1970, 3, 4)), "heard_about": "website",
        "force_connection": "none", "consent": "on",
    }  # fmt: skip
    return data | overrides


def test_an_application_is_recorded_and_confirmed_by_email(client, db, sent_email):
    response = client.post(URL, valid(first_name="Ada O'Brien"))
    assert response["Location"] == reverse("volunteers:application-received")
    volunteer = Volunteer.objects.get()
    assert volunteer.status == Status.APPLIED
    assert volunteer.email == "ada@example.org"
    assert volunteer.postcode == "ST16 2DQ"
    assert volunteer.status_changes.get().to_status == Status.APPLIED
    assert sent_email()[0].to == ["ada@example.org"]
    assert "Thank you for applying" in mail.outbox[0].subject
    assert "Dear Ada O'Brien," in mail.outbox[0].body, "a plain-text e-mail is not HTML-escaped"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NOT A CODE", "Enter a real UK postcode"),
        ("phone", "12345", "Enter a UK phone number"),
        ("email", "not-an-email", "Enter an email address"),
        ("date_of_birth", born(date(2090, 1, 1)), "Date of birth must be in the past"),
        ("date_of_birth", {"date_of_birth_1": ""}, "Date of birth must include a month"),
        ("date_of_birth", {"date_of_birth_0": "", "date_of_birth_2": ""}, "Date of birth must include a day and year"),
        ("date_of_birth", {"date_of_birth_0": "31", "date_of_birth_1": "2"}, "Date of birth must be a real date"),
        ("date_of_birth", {"date_of_birth_1": "March"}, "Date of birth must be a real date"),
        ("date_of_birth", {"date_of_birth_2": "70"}, "Year must include 4 numbers"),
        ("date_of_birth", born(date(1850, 1, 1)), "Date of birth must be a real date"),
        (
            "date_of_birth",
            {"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""},
            "Enter your date of birth",
        ),
        ("force_connection", {"force_connection": ""}, "Select whether you work or volunteer for the police force"),
    ],
)
def test_bad_input_is_explained_beside_the_field(client, db, field, value, message):
    response = client.post(URL, valid(**(value if isinstance(value, dict) else {field: value})))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert f'href="#id_{field}' in content, "the error summary links to the field"
    assert not Volunteer.objects.exists()


def test_too_young_names_the_minimum_age(client, db, settings):
    settings.MYSTERYSHOP_MINIMUM_AGE = 18
    sixteen = sixteen_years_ago()
    response = client.post(URL, valid(**sixteen))
    assert "You must be 18 or over" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_scheme_with_a_lower_minimum_age_accepts_a_sixteen_year_old(client, db, settings):
    settings.MYSTERYSHOP_MINIMUM_AGE = 15
    sixteen = sixteen_years_ago()
    assert client.post(URL, valid(**sixteen)).status_code == 302
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


def test_applying_twice_with_the_same_email_gives_one_record_and_tells_the_person_by_email(client, db, sent_email):
    client.post(URL, valid())
    response = client.post(URL, valid(email="ADA@example.org", first_name="Ada Augusta", phone="01785 232385"))
    assert response["Location"] == reverse("volunteers:application-received")
    volunteer = Volunteer.objects.get()
    assert (volunteer.first_name, str(volunteer.phone)) == ("Ada", "+447911123456"), "nothing held is changed"
    outbox = sent_email()
    assert [message.to for message in outbox] == [["ada@example.org"], ["ada@example.org"]]
    assert "Thank you for applying" in outbox[0].subject
    assert "We already have your details" in outbox[1].body
    assert "Dear Ada Augusta," in outbox[1].body


def test_a_filled_honeypot_keeps_nothing(client, db, sent_email):
    response = client.post(URL, valid(website="http://spam.example"))
    assert response.status_code == 302
    assert not Volunteer.objects.exists()
    assert not sent_email()


def test_too_many_applications_from_one_address_are_refused(client, db, settings):
    """(The limit counts repeated addresses too: see test_application_privacy.py.)"""
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


def test_the_form_says_what_each_personal_field_is_so_browsers_can_fill_it_in(client, db):
    """WCAG 1.3.5: the purpose of each input about the person is named (autocomplete)."""
    content = client.get(URL).content.decode()
    for name, purpose in (
        ("first_name", "given-name"), ("last_name", "family-name"), ("email", "email"), ("phone", "tel"),
        ("postcode", "postal-code"), ("date_of_birth_0", "bday-day"), ("date_of_birth_1", "bday-month"),
        ("date_of_birth_2", "bday-year"),
    ):  # fmt: skip
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', content).group(0)
        assert f'autocomplete="{purpose}"' in tag, tag
    assert re.search(r'<input[^>]*type="tel"[^>]*name="phone"', content)


def test_no_answer_is_chosen_for_the_applicant_about_working_for_the_force(client, db):
    content = client.get(URL).content.decode()
    radios = re.findall(r'<input[^>]*name="force_connection"[^>]*>', content)
    assert len(radios) == 5 and not any("checked" in radio for radio in radios)


def test_date_of_birth_is_three_boxes_not_a_date_picker(client, db):
    content = client.get(URL).content.decode()
    assert 'type="date"' not in content
    for number, label in enumerate(("Day", "Month", "Year")):
        assert f'<label class="form-label" for="id_date_of_birth_{number}">{label}</label>' in content
        assert re.search(rf'<input type="text" name="date_of_birth_{number}" inputmode="numeric"', content)
    assert "<legend" in content.split('id="div_id_date_of_birth"')[1].split("</fieldset>")[0]
    # What was typed is kept when the form comes back with a mistake elsewhere.
    again = client.post(URL, valid(postcode="NOT A CODE")).content.decode()
    assert 'name="date_of_birth_2" value="1970"' in again


def test_the_home_page_invites_people_to_volunteer(client, db, settings):
    settings.MYSTERYSHOP_MINIMUM_AGE = 15
    content = client.get(reverse("home")).content.decode()
    assert f'href="{URL}">Apply to volunteer</a>' in content
    for words in ("What it involves", "in pairs", "Who can volunteer", "aged 15 or over", "expenses", "are paid",
                  "about 10 minutes", "questionnaire about 20"):  # fmt: skip
        assert words in content, words


def test_date_of_birth_boxes_holding_only_spaces_ask_for_the_date_not_a_server_error(client, db):
    response = client.post(reverse("volunteers:application-create"), {"date_of_birth_1": "", "date_of_birth_2": " "})
    assert response.status_code in (200, 400)
    assert "Enter your date of birth" in response.content.decode()
