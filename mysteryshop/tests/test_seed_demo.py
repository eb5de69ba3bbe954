from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mysteryshop.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, demo_totp_key
from mysteryshop.models import OutgoingEmail
from reports.models import Quote
from scenarios.models import ContactPoint, Scenario
from visits.demo import CONCERNS, GOOD_PRACTICE
from volunteers.models import Volunteer


def counts():
    return (
        get_user_model().objects.count(),
        Volunteer.objects.count(),
        ContactPoint.objects.count(),
        Scenario.objects.count(),
    )


def test_seed_demo_creates_every_demo_sign_in_and_can_run_twice(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first, "running it again adds nothing"
    assert not OutgoingEmail.objects.exists(), "the demo's bookings e-mail nobody"
    User = get_user_model()
    for username, _first, _last, role in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        if role is None:
            assert user.is_superuser
        else:
            assert user.has_role(role)


def test_demo_data_has_volunteers_in_every_state_and_approved_scenarios_per_channel(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(Volunteer.objects.values_list("status", flat=True)) == {
        "applied", "screening", "training", "active", "paused", "left", "rejected",
    }  # fmt: skip
    assert Volunteer.objects.get(user__username="volunteer1").status == "active"
    approved_channels = set(Scenario.objects.approved().values_list("channel", flat=True))
    assert {"front_desk", "phone_101", "website", "online_reporting", "neighbourhood_meeting"} <= approved_channels


def test_demo_staff_accounts_share_the_printed_demo_secret_and_volunteers_have_none(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    assert DEMO_TOTP_SECRET in out.getvalue() and "manage.py demo_code" in out.getvalue()
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert sorted(devices.values_list("user__username", flat=True)) == [
        "admin",
        "commissioner",
        "coordinator",
        "liaison",
    ]
    assert set(devices.values_list("key", flat=True)) == {demo_totp_key()}
    assert not TOTPDevice.objects.filter(user__username__startswith="volunteer").exists()


def test_demo_code_gets_a_newcomer_past_the_code_step(client, db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    client.post(reverse("login"), {"username": "commissioner", "password": DEMO_PASSWORD})
    out = StringIO()
    call_command("demo_code", stdout=out)
    code = out.getvalue().splitlines()[0]
    assert len(code) == 6 and code.isdigit()
    response = client.post(reverse("two-factor-verify"), {"code": code})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("reports:commissioner-home")).status_code == 200


def test_demo_code_is_refused_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to print a demo code"):
        call_command("demo_code")


def test_demo_quotes_sit_under_the_question_they_answer(db, settings):
    """Praise is quoted under "What went well?" and concerns under "What could have been better?", never
    the other way round ("Greeted straight away" was once shown under "What could have been better?")."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    quotes = list(Quote.objects.values_list("question", "notable", "text"))
    assert {question for question, *_ in quotes} == {"What went well?", "What could have been better?"}
    for question, notable, text in quotes:
        if question == "What could have been better?":
            assert (notable, text in CONCERNS) == ("concern", True), text
        else:
            assert (notable, text in GOOD_PRACTICE) == ("good_practice", True), text


def test_demo_data_has_a_practice_with_a_key_calibrated_volunteers_and_pairs_for_questionnaire_health(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reports import agreement
    from scenarios.models import KeyAnswer
    from visits import calibration

    settings.DEBUG = True
    call_command("seed_demo")
    practice = Scenario.objects.practice_ready().get()
    assert KeyAnswer.objects.filter(scenario=practice).count() >= 5
    assert not calibration.calibration_due(Volunteer.objects.get(user__username="volunteer1"))
    active = Volunteer.objects.filter(status="active", user__isnull=False)
    assert [v for v in active if calibration.calibration_due(v)], "one volunteer is still to practise"
    now = timezone.now()
    rows = agreement.question_agreement(start=now - timedelta(days=365), end=now)
    assert any(row.is_low(kappa_below=0.4, min_pairs=20) for row in rows), "the health page has candidates"
    call_command("seed_demo")
    assert Scenario.objects.filter(practice=True).count() == 1


def test_demo_data_has_a_retested_finding_and_an_appeal_with_a_shared_evidence_pack(db, settings):
    from reports.models import EvidencePack, FindingStatus, Retest

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    retest = Retest.objects.get()
    assert retest.finding.status == FindingStatus.CLOSED and retest.result
    assert retest.visit.contact_point == retest.finding.contact_point
    pack = EvidencePack.objects.get()
    assert pack.is_shared and pack.content["timings"]["pages"]
