"""Sessions: a new one at sign-in, ended on the server at sign-out, idle staff signed out, deactivation ends them."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import browser_sign_in, wait_for, wait_until
from mysteryshop.models import UserSession
from mysteryshop.sessions import SessionStore
from mysteryshop.signin import LAST_ACTIVITY_SESSION_KEY
from mysteryshop.tasks import clear_expired_sessions
from volunteers import services
from volunteers.models import Volunteer

from .factories import TEST_PASSWORD, UserFactory


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def client_with(key: str) -> Client:
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


def test_signing_in_starts_a_new_session(client, volunteer):
    before = client.session
    before["seen_the_welcome"] = True
    before.save()
    old_key = session_key(client)
    client.post(reverse("login"), {"username": volunteer.username, "password": TEST_PASSWORD})
    assert session_key(client) != old_key
    assert not UserSession.objects.filter(session_key=old_key).exists()
    assert UserSession.objects.get(session_key=session_key(client)).user == volunteer


def test_signing_out_ends_the_session_on_the_server(client, volunteer):
    client.post(reverse("login"), {"username": volunteer.username, "password": TEST_PASSWORD})
    old_key = session_key(client)
    assert client_with(old_key).get(reverse("visits:my-visits")).status_code == 200
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=old_key).exists()
    # A copy of the old cookie is worth nothing now.
    response = client_with(old_key).get(reverse("visits:my-visits"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_idle_staff_are_signed_out_with_a_message_on_the_sign_in_page(client_for, coordinator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(coordinator)
        key = session_key(client)
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("reports:coordinator-home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "You were signed out because you had not used the site for 30 minutes" in response.content.decode()
    assert not UserSession.objects.filter(session_key=key).exists()


def test_staff_who_keep_working_stay_signed_in(client_for, coordinator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(coordinator)
        for _ in range(6):
            clock.shift(timedelta(minutes=20))
            assert client.get(reverse("reports:coordinator-home")).status_code == 200


def test_the_idle_time_is_a_setting(client_for, force_liaison, settings):
    settings.MYSTERYSHOP_STAFF_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(force_liaison)
        clock.shift(timedelta(minutes=4))
        assert client.get(reverse("reports:liaison-home")).status_code == 200
        clock.shift(timedelta(minutes=5, seconds=1))
        assert client.get(reverse("reports:liaison-home"))["Location"].startswith(reverse("login"))


def test_volunteers_are_not_signed_out_when_idle(client_for, volunteer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(volunteer)
        clock.shift(timedelta(hours=3))
        assert client.get(reverse("visits:my-visits")).status_code == 200


def test_a_volunteer_who_leaves_is_signed_out_everywhere(client_for, volunteer, coordinator):
    phone = client_for(volunteer)
    phone_key = session_key(phone)
    laptop = Client()
    laptop.post(reverse("login"), {"username": volunteer.username, "password": TEST_PASSWORD})
    assert UserSession.objects.filter(user=volunteer).count() == 2
    services.transition(volunteer=Volunteer.objects.get(user=volunteer), to="left", by=coordinator, reason="Moved away")
    assert not UserSession.objects.filter(user=volunteer).exists()
    for device in (client_with(phone_key), laptop):
        response = device.get(reverse("visits:my-visits"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_deactivating_in_the_admin_ends_the_persons_sessions(client_for, volunteer):
    theirs = Client()
    theirs.post(reverse("login"), {"username": volunteer.username, "password": TEST_PASSWORD})
    admin = client_for(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = admin.get(reverse("admin:mysteryshop_user_change", args=[volunteer.pk]))
    form = page.context["adminform"].form
    # The change form as it stands, with "Active" unticked (an unticked box is simply not sent).
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "is_active", "date_joined", "last_login")
    }
    joined = timezone.localtime(volunteer.date_joined)
    data.update(
        {
            "groups": [group.pk for group in volunteer.groups.all()],
            "user_permissions": [],
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        }
    )
    response = admin.post(reverse("admin:mysteryshop_user_change", args=[volunteer.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    volunteer.refresh_from_db()
    assert not volunteer.is_active
    assert not UserSession.objects.filter(user=volunteer).exists()
    assert theirs.get(reverse("visits:my-visits"))["Location"].startswith(reverse("login"))


def test_a_deactivated_persons_existing_session_is_refused(client_for, volunteer):
    client = client_for(volunteer)
    volunteer.deactivate()
    response = client.get(reverse("visits:my-visits"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not UserSession.objects.filter(user=volunteer).exists()


def test_expired_sessions_are_cleared_by_the_nightly_task(client_for, volunteer):
    key = session_key(client_for(volunteer))
    stale = Client()
    stale.post(reverse("login"), {"username": volunteer.username, "password": TEST_PASSWORD})
    UserSession.objects.filter(session_key=session_key(stale)).update(expire_date=timezone.now() - timedelta(seconds=1))
    clear_expired_sessions()
    clear_expired_sessions()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [key]


def test_a_still_here_signal_counts_as_activity(client_for, coordinator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(coordinator)
        clock.shift(timedelta(minutes=25))
        assert client.post(reverse("still-here")).status_code == 204
        clock.shift(timedelta(minutes=25))
        assert client.get(reverse("reports:coordinator-home")).status_code == 200


def test_the_still_here_signal_needs_a_post(client_for, coordinator):
    assert client_for(coordinator).get(reverse("still-here")).status_code == 405


def test_typing_tells_the_server_a_member_of_staff_is_still_there(browser, client_for, coordinator):
    client = client_for(coordinator)
    browser_sign_in(browser, client)
    browser.get(browser.base_url + reverse("scenarios:contact-point-create"))
    field = wait_for(browser, "main form input[type=text]")
    session = SessionStore(session_key(client))
    long_ago = session[LAST_ACTIVITY_SESSION_KEY] - 10 * 60
    session[LAST_ACTIVITY_SESSION_KEY] = long_ago
    session.save()
    field.send_keys("Typing a long description")
    wait_until(lambda: SessionStore(session_key(client))[LAST_ACTIVITY_SESSION_KEY] > long_ago + 9 * 60)


# --- A new session key after the second factor, too ------------------------------------------


def _past_the_password(client, user):
    client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    return session_key(client)


def _give_the_code(client, user, how: str):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mysteryshop import signin

    if how == "app":
        device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
        key = _past_the_password(client, user)
        token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        response = client.post(reverse("two-factor-verify"), {"code": f"{token:06d}"})
    elif how == "recovery code":
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
        recovery = signin.new_recovery_codes(user=user)[0]
        key = _past_the_password(client, user)
        response = client.post(reverse("two-factor-recovery"), {"code": recovery})
    else:  # setting up an app at the first sign-in
        key = _past_the_password(client, user)
        client.get(reverse("two-factor-setup"))
        secret = client.session[signin.PENDING_KEY_SESSION_KEY]
        response = client.post(reverse("two-factor-setup"), {"code": f"{TOTP(bytes.fromhex(secret)).token():06d}"})
    assert response.status_code in (200, 302)
    return key


@pytest.mark.parametrize("how", ["app", "recovery code", "set-up"])
def test_giving_the_code_starts_a_new_session_again(client, coordinator, how):
    """A session key learnt between the password and the code must not become a verified staff session."""
    key_before_code = _give_the_code(client, coordinator, how)
    assert client.get(reverse("reports:coordinator-home")).status_code == 200
    assert session_key(client) != key_before_code
    assert not UserSession.objects.filter(session_key=key_before_code).exists()
    response = client_with(key_before_code).get(reverse("reports:coordinator-home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
