"""Two-factor sign-in: staff confirm a code from an authenticator app (or a recovery code) before any page."""

import re
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mysteryshop import signin
from mysteryshop.middleware import OPEN_BEFORE_TWO_FACTOR
from mysteryshop.models import UserSession
from mysteryshop.roles import Role
from visits.tests.test_secrecy import all_patterns

from .factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "a-brand-new-long-password-7"


def code_for(device: TOTPDevice) -> str:
    """The code the person's app shows now."""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def sign_in_with_password(client, user, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password}, follow=True)


@pytest.fixture
def app(coordinator):
    return TOTPDevice.objects.create(user=coordinator, name="Phone", confirmed=True)


@pytest.fixture
def unverified(client, coordinator, app):
    """A coordinator past the password, not yet past the code."""
    sign_in_with_password(client, coordinator)
    return client


def at_code_step(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("two-factor-verify"))


# --- Every page waits for the code -----------------------------------------------


def test_unverified_staff_are_sent_to_the_code_step_from_every_page(unverified):
    checked = Counter()
    for name, pattern in all_patterns():
        if name in OPEN_BEFORE_TWO_FACTOR or name.startswith("admin:"):
            continue
        kwargs = dict.fromkeys(re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)), 1)
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        for method in (unverified.get, unverified.post):
            response = method(url)
            assert at_code_step(response), f"{name} answered {response.status_code} before the code step"
        checked[name.split(":")[0] if ":" in name else "accounts"] += 1
    assert {"volunteers", "scenarios", "visits", "reports", "accounts"} <= set(checked)
    assert sum(checked.values()) > 80


def test_the_code_step_remembers_the_page_asked_for(unverified, app):
    response = unverified.get(reverse("visits:visit-list"))
    assert response["Location"] == reverse("two-factor-verify") + "?next=%2Fvisits%2F"
    response = unverified.post(response["Location"], {"code": code_for(app)})
    assert response.status_code == 302 and response["Location"] == reverse("visits:visit-list")
    assert unverified.get(reverse("visits:visit-list")).status_code == 200


def test_the_code_step_never_sends_people_to_another_site(unverified, app):
    response = unverified.post(reverse("two-factor-verify") + "?next=https://evil.example/", {"code": code_for(app)})
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("role", ["commissioner", "force_liaison"])
def test_every_staff_role_is_asked_for_the_code(client, request, role):
    user = request.getfixturevalue(role)
    TOTPDevice.objects.create(user=user, confirmed=True)
    response = sign_in_with_password(client, user)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-verify"))


def test_system_administrators_are_asked_for_the_code_before_the_admin(client, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=admin, confirmed=True)
    sign_in_with_password(client, admin)
    assert at_code_step(client.get(reverse("admin:index")))
    assert at_code_step(client.get(reverse("admin:mysteryshop_user_changelist")))


def test_public_pages_sign_out_and_the_health_check_stay_open_before_the_code(unverified):
    for name in ("volunteers:application-create", "volunteers:privacy-notice", "reports:you-said-we-did", "healthz"):
        assert unverified.get(reverse(name)).status_code in (200, 503), name
    assert unverified.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in unverified.session


def test_unverified_staff_see_no_staff_links(unverified):
    content = unverified.get(reverse("two-factor-verify")).content.decode()
    assert reverse("visits:visit-list") not in content
    assert reverse("signin-security") not in content
    assert "Sign out" in content


# --- The code ---------------------------------------------------------------------


def test_the_code_field_is_labelled_for_one_time_codes(unverified):
    content = unverified.get(reverse("two-factor-verify")).content.decode()
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", content).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert re.search(r'<label\s+for="id_code"[^>]*>\s*Code from your authenticator app', content)


def test_a_wrong_code_is_refused_with_a_message(unverified, app):
    response = unverified.post(
        reverse("two-factor-verify"), {"code": "000000" if code_for(app) != "000000" else "111111"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content and '<a href="#id_code">That code did not work.' in content
    assert 'aria-describedby="id_code_helptext id_code_error"' in content
    assert at_code_step(unverified.get(reverse("reports:coordinator-home")))


def test_something_that_is_not_a_code_is_refused_with_a_message(unverified):
    content = unverified.post(reverse("two-factor-verify"), {"code": "12ab"}).content.decode()
    assert "Enter the code as 6 numbers, like 123456" in content
    assert unverified.post(reverse("two-factor-verify"), {"code": ""}).status_code == 200


def test_a_code_works_only_once(client, coordinator, app):
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for(app)
        sign_in_with_password(client, coordinator)
        assert client.post(reverse("two-factor-verify"), {"code": code}).status_code == 302
        client.post(reverse("logout"))
        # Someone who saw the code over a shoulder tries it again within its 30 seconds.
        sign_in_with_password(client, coordinator)
        content = client.post(reverse("two-factor-verify"), {"code": code}).content.decode()
    assert "That code did not work" in content
    assert at_code_step(client.get(reverse("reports:coordinator-home")))


def test_the_authenticator_device_refuses_a_time_step_it_has_accepted(app):
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for(app)
        assert app.verify_token(code) is True
        assert app.verify_token(code) is False


def test_wrong_codes_in_a_row_slow_further_tries_down(client, coordinator, app):
    # Start a time step so the same code stays right throughout.
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False) as clock:
        sign_in_with_password(client, coordinator)
        right = code_for(app)
        wrong = f"{(int(right) + 1) % 1000000:06d}"
        for wait in (1, 2):
            client.post(reverse("two-factor-verify"), {"code": wrong})
            clock.shift(timedelta(seconds=wait))
        client.post(reverse("two-factor-verify"), {"code": wrong})
        # Three wrong codes in a row: the right one must wait 2 ** 2 = 4 seconds after the third.
        content = client.post(reverse("two-factor-verify"), {"code": right}).content.decode()
        assert "After 3 wrong codes in a row, please wait: you can try again in 4 seconds." in content
        clock.shift(timedelta(seconds=5))
        response = client.post(reverse("two-factor-verify"), {"code": right})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.throttling_failure_count == 0


# --- Recovery codes ---------------------------------------------------------------


def test_a_recovery_code_works_once(client, coordinator, app):
    codes = signin.new_recovery_codes(user=coordinator)
    assert len(codes) == 10 and len(set(codes)) == 10
    sign_in_with_password(client, coordinator)
    response = client.post(reverse("two-factor-recovery"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("reports:coordinator-home")).status_code == 200
    client.post(reverse("logout"))
    sign_in_with_password(client, coordinator)
    content = client.post(reverse("two-factor-recovery"), {"code": codes[0]}).content.decode()
    assert "That recovery code did not work" in content
    assert at_code_step(client.get(reverse("reports:coordinator-home")))
    assert signin.recovery_codes_left(coordinator) == 9


def test_signing_in_with_a_recovery_code_says_how_many_are_left(client, coordinator, app):
    codes = signin.new_recovery_codes(user=coordinator)
    sign_in_with_password(client, coordinator)
    response = client.post(reverse("two-factor-recovery"), {"code": codes[3]}, follow=True)
    assert "You have 9 left" in response.content.decode()


def test_someone_without_an_app_but_with_recovery_codes_is_offered_the_recovery_step(client, coordinator):
    signin.new_recovery_codes(user=coordinator)
    sign_in_with_password(client, coordinator)
    response = client.get(reverse("reports:coordinator-home"))
    assert at_code_step(response)
    assert client.get(response["Location"])["Location"].startswith(reverse("two-factor-recovery"))


# --- Setting up an app --------------------------------------------------------------


def test_first_sign_in_sets_up_an_app_and_shows_ten_recovery_codes_once(client, coordinator):
    response = sign_in_with_password(client, coordinator)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-setup"))
    content = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in content
    key = client.session[signin.PENDING_KEY_SESSION_KEY]
    assert signin.secret_in_groups(key) in content
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", signin.secret_in_groups(key))

    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    response = client.post(reverse("two-factor-setup") + "?next=/reports/coordinator/", {"code": code})
    content = response.content.decode()
    assert "Keep these somewhere safe" in content
    codes = re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", content)
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed and device.key == key
    assert client.get(reverse("reports:coordinator-home")).status_code == 200
    # The set-up code is spent, and the codes are not shown again.
    assert device.verify_token(code) is False
    assert "Keep these somewhere safe" not in client.get(reverse("signin-security")).content.decode()


def test_a_wrong_code_at_set_up_is_refused_and_saves_nothing(client, coordinator):
    sign_in_with_password(client, coordinator)
    client.get(reverse("two-factor-setup"))
    key = client.session[signin.PENDING_KEY_SESSION_KEY]
    right = f"{TOTP(bytes.fromhex(key)).token():06d}"
    content = client.post(reverse("two-factor-setup"), {"code": f"{(int(right) + 5) % 1000000:06d}"}).content.decode()
    assert "That code did not work" in content
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert client.session[signin.PENDING_KEY_SESSION_KEY] == key, "the same QR code is shown again"


def test_someone_with_an_app_cannot_set_up_another_before_the_code_step(unverified, app):
    """Only the password is known so far: it must not be enough to add an attacker's app."""
    response = unverified.get(reverse("two-factor-setup"))
    assert at_code_step(response)
    assert unverified.post(reverse("two-factor-setup"), {"code": "123456"})["Location"].startswith(
        reverse("two-factor-verify")
    )
    assert list(TOTPDevice.objects.filter(user=app.user)) == [app]


def test_a_new_app_replaces_the_old_one_only_once_confirmed(client_for, coordinator, app):
    client = client_for(coordinator)
    client.get(reverse("two-factor-setup"))
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [app], "the old app still works meanwhile"
    key = client.session[signin.PENDING_KEY_SESSION_KEY]
    client.post(reverse("two-factor-setup"), {"code": f"{TOTP(bytes.fromhex(key)).token():06d}"})
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.key == key and device.pk != app.pk
    assert client.get(reverse("reports:coordinator-home")).status_code == 200


def test_volunteers_and_applicants_are_not_asked_for_a_code(client, volunteer, applicant):
    response = sign_in_with_password(client, volunteer)
    assert response.redirect_chain[-1][0] == reverse("visits:my-visits")
    assert response.status_code == 200
    client.post(reverse("logout"))
    response = sign_in_with_password(client, applicant)
    assert response.redirect_chain[-1][0] == reverse("volunteers:applicant-home")


def test_volunteers_have_no_two_factor_pages(client_for, volunteer):
    client = client_for(volunteer)
    assert client.get(reverse("two-factor-setup")).status_code == 403
    assert client.get(reverse("signin-security")).status_code == 403
    assert client.post(reverse("recovery-codes-new")).status_code == 403
    assert client.get(reverse("two-factor-verify"))["Location"] == reverse("home")


def test_the_code_pages_ask_anonymous_visitors_to_sign_in(client, db):
    for name in ("two-factor-verify", "two-factor-recovery", "two-factor-setup", "signin-security"):
        assert client.get(reverse(name))["Location"].startswith(reverse("login")), name


# --- Password reset does not skip the code -------------------------------------------


def test_a_password_reset_leads_to_sign_in_and_then_the_code_step(client, coordinator, app, sent_email):
    client.post(reverse("password_reset"), {"email": coordinator.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", sent_email()[0].body).group(1)
    set_password_page = client.get(link)["Location"]
    response = client.post(
        set_password_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "_auth_user_id" not in client.session, "a reset never signs anyone in"
    assert client.get(reverse("reports:coordinator-home"))["Location"].startswith(reverse("login"))
    response = sign_in_with_password(client, coordinator, NEW_PASSWORD)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-verify"))


# --- Sign-in security ------------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(client_for, coordinator):
    old = signin.new_recovery_codes(user=coordinator)
    client = client_for(coordinator)
    assert "You have 10 of 10 recovery codes left" in client.get(reverse("signin-security")).content.decode()
    content = client.post(reverse("recovery-codes-new")).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", content)
    assert len(new) == 10 and not set(new) & set(old)
    assert "These replace your old recovery codes" in content
    tokens = set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))
    assert tokens == {code.replace(" ", "") for code in new}


def test_new_recovery_codes_need_a_post(client_for, coordinator):
    assert client_for(coordinator).get(reverse("recovery-codes-new")).status_code == 405


def test_an_administrator_resets_someones_two_factor_and_ends_their_sessions(client, client_for, coordinator, app):
    signin.new_recovery_codes(user=coordinator)
    from django.test import Client

    theirs = Client()
    sign_in_with_password(theirs, coordinator)
    assert UserSession.objects.filter(user=coordinator).exists()
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = client_for(admin).post(
        reverse("admin:mysteryshop_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [coordinator.pk]},
        follow=True,
    )
    assert "Reset two-factor sign-in for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert not UserSession.objects.filter(user=coordinator).exists()
    assert theirs.get(reverse("reports:coordinator-home"))["Location"].startswith(reverse("login"))
    # At their next sign-in they set up an app from the start.
    assert sign_in_with_password(theirs, coordinator).redirect_chain[-1][0].startswith(reverse("two-factor-setup"))


def test_the_admin_never_shows_an_authenticator_secret(client_for, app, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    content = client_for(admin).get(reverse("admin:otp_totp_totpdevice_change", args=[app.pk])).content.decode()
    assert app.key not in content


def test_roles_that_need_two_factor(db):
    assert UserFactory(roles=[Role.COORDINATOR]).needs_two_factor
    assert UserFactory(roles=[Role.FORCE_LIAISON]).needs_two_factor
    assert not UserFactory(roles=[Role.VOLUNTEER]).needs_two_factor


def test_staff_find_sign_in_security_on_every_page_and_volunteers_do_not(client_for, coordinator, volunteer):
    assert reverse("signin-security") in client_for(coordinator).get(reverse("visits:visit-list")).content.decode()
    assert reverse("signin-security") not in client_for(volunteer).get(reverse("visits:my-visits")).content.decode()


def test_a_plain_admin_staff_account_is_asked_for_the_code_before_the_admin(client, db):
    """`is_staff` alone opens /admin/ (with whatever model permissions it is given): it needs a second factor."""
    clerk = UserFactory(username="clerk", is_staff=True)
    TOTPDevice.objects.create(user=clerk, confirmed=True)
    sign_in_with_password(client, clerk)
    assert at_code_step(client.get(reverse("admin:index")))
    assert at_code_step(client.post(reverse("admin:index")))


@pytest.mark.parametrize("is_superuser", [False, True])
@pytest.mark.parametrize("is_staff", [False, True])
@pytest.mark.parametrize("role", [None, *Role.values])
def test_every_account_the_admin_lets_in_needs_two_factor(db, rf, is_staff, is_superuser, role):
    """The general rule, checked against the admin's own test of who may open it."""
    from django.contrib import admin

    user = UserFactory(is_staff=is_staff, is_superuser=is_superuser, roles=[role] if role else [])
    request = rf.get(reverse("admin:index"))
    request.user = user
    if admin.site.has_permission(request):
        assert user.needs_two_factor
