"""Passwords: Argon2, older hashes upgraded at sign-in, and Django's validators on the set-password page."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .factories import TEST_PASSWORD


def test_an_older_pbkdf2_hash_becomes_argon2_at_the_next_sign_in(client, volunteer):
    volunteer.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    volunteer.save(update_fields=["password"])
    client.post(reverse("login"), {"username": volunteer.username, "password": TEST_PASSWORD})
    volunteer.refresh_from_db()
    assert volunteer.password.startswith("argon2$")


def set_password_page(client, user) -> str:
    """Follow an invitation or reset link to the set-password page, as a new volunteer does."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return client.get(link)["Location"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("493817264519", "This password is entirely numeric."),
    ],
)
def test_a_weak_password_is_refused_on_the_set_password_page(client, applicant, password, message):
    page = set_password_page(client, applicant)
    response = client.post(page, {"new_password1": password, "new_password2": password})
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content and message in content
    applicant.refresh_from_db()
    assert not applicant.check_password(password)


def test_a_long_uncommon_password_is_accepted(client, applicant):
    page = set_password_page(client, applicant)
    password = "kettle-orchard-lantern-9"
    response = client.post(page, {"new_password1": password, "new_password2": password})
    assert response["Location"] == reverse("password_reset_complete")
    applicant.refresh_from_db()
    assert applicant.check_password(password)
