from django.contrib.auth import get_user_model
from django.core.management import call_command

from mysteryshop.demo import DEMO_PASSWORD, DEMO_USERS
from scenarios.models import ContactPoint, Scenario
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
    assert {"front_desk", "phone_101", "website", "neighbourhood_meeting"} <= approved_channels
