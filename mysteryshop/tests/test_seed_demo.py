from django.contrib.auth import get_user_model
from django.core.management import call_command

from mysteryshop.demo import DEMO_PASSWORD, DEMO_USERS


def test_seed_demo_creates_every_demo_sign_in_and_can_run_twice(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    User = get_user_model()
    for username, _first, _last, role in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        if role is None:
            assert user.is_superuser
        else:
            assert user.has_role(role)
    assert User.objects.count() == len(DEMO_USERS)
