import re

from django.core import mail
from django.urls import reverse

from .factories import TEST_PASSWORD


def test_sign_in_page_has_labelled_fields(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    labels = re.findall(r'<label\s+for="(\w+)"', response.content.decode())
    assert {"id_username", "id_password"} <= set(labels)


def test_signing_in_lands_on_the_role_page(client, volunteer):
    response = client.post(reverse("login"), {"username": volunteer.username, "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("visits:my-visits")


def test_wrong_password_shows_a_message_not_an_error(client, volunteer):
    response = client.post(reverse("login"), {"username": volunteer.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content


def test_signing_out_needs_post_and_ends_the_session(client_for, volunteer):
    client = client_for(volunteer)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("volunteers:volunteer-home")).status_code == 302


def test_password_reset_sends_a_link(client, volunteer, sent_email):
    response = client.post(reverse("password_reset"), {"email": volunteer.email})
    assert response.status_code == 302
    assert mail.outbox == [], "the request only writes the e-mail to the outbox"
    assert len(sent_email()) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_passwords_are_hashed_with_argon2(volunteer):
    assert volunteer.password.startswith("argon2")
