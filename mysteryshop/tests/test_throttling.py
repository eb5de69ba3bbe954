"""Throttling: failed sign-ins (django-axes, in PostgreSQL) and password reset requests, time-boxed."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mysteryshop import signin
from mysteryshop.models import PasswordResetRequest
from volunteers.tests.test_apply import URL as APPLY_URL
from volunteers.tests.test_apply import valid as valid_application

from .factories import TEST_PASSWORD, UserFactory


def sign_in(client, user, password=TEST_PASSWORD, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=address)


def fail(client, user, times, address="127.0.0.1"):
    for _ in range(times):
        response = sign_in(client, user, "not-the-password", address)
    return response


def signed_in(response) -> bool:
    return response.status_code == 302


# --- Sign-in ----------------------------------------------------------------------


def test_failed_sign_ins_are_counted_in_the_database(client, volunteer):
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    fail(client, volunteer, 2)
    assert AccessAttempt.objects.get(username=volunteer.username).failures_since_start == 2


def test_the_fifth_failure_pauses_signing_in_for_that_account_with_a_friendly_page(client, volunteer):
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(4):
            assert sign_in(client, volunteer, "wrong").status_code == 200
        response = sign_in(client, volunteer, "wrong")
        expected = signin.clock_time(timezone.now() + timedelta(minutes=15))
    content = response.content.decode()
    assert response.status_code == 429
    assert "Signing in is paused for now" in content
    assert f"You can try again after {expected}." in content
    assert "for 15 minutes" in content
    # The right password is refused too while the pause lasts, from any address.
    assert sign_in(client, volunteer, address="10.9.8.7").status_code == 429


def test_failures_from_one_address_pause_it_for_every_account(client, db):
    people = [UserFactory() for _ in range(6)]
    for person in people[:5]:
        fail(client, person, 1, address="10.0.0.5")
    assert sign_in(client, people[5], address="10.0.0.5").status_code == 429
    assert signed_in(sign_in(client, people[5], address="10.0.0.6"))


def test_the_pause_ends_after_the_lockout_minutes(client, volunteer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail(client, volunteer, 5)
        clock.shift(timedelta(minutes=14))
        assert sign_in(client, volunteer).status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert signed_in(sign_in(client, volunteer))


def test_trying_again_during_the_pause_does_not_make_it_longer(client, volunteer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail(client, volunteer, 5)
        clock.shift(timedelta(minutes=10))
        assert fail(client, volunteer, 3).status_code == 429
        clock.shift(timedelta(minutes=5, seconds=1))
        assert signed_in(sign_in(client, volunteer))


def test_the_lockout_minutes_and_the_limit_are_settings(client, volunteer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert fail(client, volunteer, 2).status_code == 429
        clock.shift(timedelta(minutes=3, seconds=1))
        assert signed_in(sign_in(client, volunteer))


def test_signing_in_resets_the_count(client, volunteer):
    fail(client, volunteer, 4)
    assert signed_in(sign_in(client, volunteer))
    client.post(reverse("logout"))
    assert fail(client, volunteer, 4).status_code == 200
    assert signed_in(sign_in(client, volunteer))


def test_signing_in_is_throttled_with_redis_unreachable(client, volunteer, settings):
    # Nothing on this port: had the count lived in the cache, every sign-in would now fail.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert fail(client, volunteer, 5).status_code == 429
    other = UserFactory()
    assert signed_in(sign_in(client, other, address="10.1.1.1"))


# --- Whose address --------------------------------------------------------------------


def test_the_client_address_is_remote_addr_unless_proxies_are_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert signin.client_address(request) == "10.0.0.1"
    settings.MYSTERYSHOP_PROXY_COUNT = 1
    # The proxy appended the address it saw; "6.6.6.6" was written by the client and is ignored.
    assert signin.client_address(request) == "203.0.113.9"
    settings.MYSTERYSHOP_PROXY_COUNT = 2
    assert signin.client_address(request) == "6.6.6.6"
    settings.MYSTERYSHOP_PROXY_COUNT = 3
    assert signin.client_address(request) == "10.0.0.1", "too few entries: not through the proxies"


def test_behind_a_proxy_each_client_address_is_counted_apart(client, db, settings):
    settings.MYSTERYSHOP_PROXY_COUNT = 1
    people = [UserFactory() for _ in range(6)]
    for person in people[:5]:
        client.post(
            reverse("login"),
            {"username": person.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    assert signed_in(
        client.post(
            reverse("login"),
            {"username": people[5].username, "password": TEST_PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.2",
        )
    )


# --- Password reset ---------------------------------------------------------------------


def ask_for_reset(client, email, address="127.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


@pytest.fixture
def people(db):
    return [UserFactory() for _ in range(7)]


def test_reset_links_are_limited_per_client_address_and_the_page_never_changes(client, people, sent_email):
    responses = [ask_for_reset(client, person.email) for person in people[:6]]
    assert len(sent_email()) == 5
    assert {(response.status_code, response["Location"]) for response in responses} == {
        (302, reverse("password_reset_done"))
    }
    ask_for_reset(client, people[6].email, address="10.2.2.2")
    assert len(sent_email()) == 6, "another address is not held up"


def test_reset_links_are_limited_per_email_address(client, people, sent_email):
    for number in range(7):
        ask_for_reset(client, people[0].email.upper(), address=f"10.3.3.{number}")
    assert len(sent_email()) == 5


def test_an_unknown_address_gets_the_same_page_and_no_email(client, db, sent_email):
    response = ask_for_reset(client, "nobody@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert sent_email() == []
    page = client.get(response["Location"]).content.decode()
    assert "If the address matches an account" in page


def test_reset_requests_are_kept_as_salted_hashes_and_the_limit_lifts_after_an_hour(client, people, sent_email):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(6):
            ask_for_reset(client, people[0].email)
        assert len(sent_email()) == 5
        stored = PasswordResetRequest.objects.first()
        assert people[0].email not in (stored.client, stored.email) and "127.0.0.1" not in stored.client
        clock.shift(timedelta(hours=1, seconds=1))
        ask_for_reset(client, people[0].email)
        assert len(sent_email()) == 6
        clock.shift(timedelta(days=1, seconds=1))
        ask_for_reset(client, people[0].email)
    assert PasswordResetRequest.objects.count() == 1, "requests older than a day are cleared"


def test_behind_a_proxy_applications_are_counted_per_client_address(client, db, settings):
    settings.MYSTERYSHOP_PROXY_COUNT = 1
    settings.MYSTERYSHOP_APPLICATIONS_PER_HOUR = 2
    for number in range(2):
        client.post(
            APPLY_URL, valid_application(email=f"person{number}@example.org"), HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
    refused = client.post(APPLY_URL, valid_application(email="third@example.org"), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert "several applications from your connection" in refused.content.decode()
    accepted = client.post(
        APPLY_URL, valid_application(email="fourth@example.org"), HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert accepted.status_code == 302
