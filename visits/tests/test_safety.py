"""Volunteers' safety: checking in and out of in-person visits, and the alert when a pair has not
checked out in time (a Celery beat task, with a frozen clock)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios.tests.factories import ContactPointFactory
from visits import safety, services, tasks
from visits.models import Assignment, SafetyAlert

from .factories import approved_scenario, make_visit, ready_volunteer

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def pair(coordinator, django_capture_on_commit_callbacks, sent_email):
    """An in-person visit with both places booked; the booking emails are cleared."""
    visit = make_visit(coordinator=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assignments = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    sent_email().clear()
    return visit, assignments


def press(client, assignment, what):
    return client.post(reverse(f"visits:assignment-{what}", args=[assignment.pk]))


def test_a_volunteer_checks_in_and_out_and_pressing_twice_records_once(client_for, pair):
    visit, (assignment, _other) = pair
    arrived = visit.starts_at - timedelta(minutes=5)
    with time_machine.travel(arrived, tick=False):
        client = client_for(assignment.volunteer.user)  # signed in on the day: sessions do not last weeks
        page = client.get(reverse("visits:assignment-detail", args=[assignment.pk])).content.decode()
        assert "I have arrived" in page and "I have left" in page
        assert press(client, assignment, "check-in").status_code == 302
    with time_machine.travel(arrived + timedelta(minutes=3), tick=False):
        press(client, assignment, "check-in")
    assignment.refresh_from_db()
    assert assignment.checked_in_at == arrived, "the second press changed nothing"
    left = visit.ends_at - timedelta(minutes=2)
    with time_machine.travel(left, tick=False):
        press(client, assignment, "check-out")
    with time_machine.travel(left + timedelta(minutes=10), tick=False):
        press(client, assignment, "check-out")
        page = client.get(reverse("visits:assignment-detail", args=[assignment.pk])).content.decode()
    assignment.refresh_from_db()
    assert assignment.checked_out_at == left
    assert "You checked out at" in page and "I have left</button>" not in page


def test_check_in_is_refused_by_get_for_someone_else_and_too_early(client_for, pair, other_volunteer, force_liaison):
    visit, (assignment, _other) = pair
    client = client_for(assignment.volunteer.user)
    assert client.get(reverse("visits:assignment-check-in", args=[assignment.pk])).status_code == 405
    with time_machine.travel(visit.starts_at - timedelta(days=1), tick=False):
        client = client_for(assignment.volunteer.user)
        response = client.post(reverse("visits:assignment-check-in", args=[assignment.pk]), follow=True)
    assert "You can check in from" in response.content.decode()
    assert (
        client_for(other_volunteer).post(reverse("visits:assignment-check-in", args=[assignment.pk])).status_code == 404
    )
    assert (
        client_for(force_liaison).post(reverse("visits:assignment-check-out", args=[assignment.pk])).status_code == 403
    )
    assignment.refresh_from_db()
    assert assignment.checked_in_at is None and assignment.checked_out_at is None


def test_a_phone_visit_has_no_check_in(coordinator):
    line = ContactPointFactory(channel="phone_101", always_open=True)
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(channel="phone_101"), contact_point=line)
    assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    with time_machine.travel(visit.starts_at, tick=False), pytest.raises(ValidationError, match="in person"):
        safety.check_in(assignment=assignment, by=assignment.volunteer.user)


def test_no_alert_when_both_check_out_on_time(pair, settings, django_capture_on_commit_callbacks, sent_email):
    settings.MYSTERYSHOP_CHECKOUT_GRACE_MINUTES = 30
    visit, assignments = pair
    with time_machine.travel(visit.ends_at - timedelta(minutes=1), tick=False):
        for assignment in assignments:
            safety.check_in(assignment=assignment, by=assignment.volunteer.user)
            safety.check_out(assignment=assignment, by=assignment.volunteer.user)
    with time_machine.travel(visit.ends_at + timedelta(hours=2)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_out_alerts() == 0
    assert not SafetyAlert.objects.exists()
    assert sent_email() == []


def test_late_check_out_alerts_the_coordinator_on_duty_once(
    pair, coordinator, settings, django_capture_on_commit_callbacks, sent_email
):
    settings.MYSTERYSHOP_CHECKOUT_GRACE_MINUTES = 30
    UserFactory(roles=[Role.COORDINATOR], email="another@opcc.example")  # not on this visit: not told
    visit, (first, second) = pair
    with time_machine.travel(visit.starts_at, tick=False):
        safety.check_in(assignment=first, by=first.volunteer.user)
        safety.check_in(assignment=second, by=second.volunteer.user)
        safety.check_out(assignment=first, by=first.volunteer.user)
    with time_machine.travel(visit.ends_at + timedelta(minutes=29)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_out_alerts() == 0, "still within the grace period"
    with time_machine.travel(visit.ends_at + timedelta(minutes=31)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_out_alerts() == 1
        assert tasks.check_out_alerts() == 0, "a second run alerts nobody again"
    with time_machine.travel(visit.ends_at + timedelta(hours=3)), django_capture_on_commit_callbacks(execute=True):
        assert safety.raise_check_out_alerts() == 0
    assert len(sent_email()) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert str(second.volunteer) in message.body and "not checked out" in message.body
    assert SafetyAlert.objects.get().visit == visit


def test_with_nobody_on_duty_every_active_coordinator_is_alerted(
    pair, coordinator, django_capture_on_commit_callbacks, sent_email
):
    other = UserFactory(roles=[Role.COORDINATOR], email="another@opcc.example")
    coordinator.is_active = False
    coordinator.save()
    visit, _assignments = pair
    with time_machine.travel(visit.ends_at + timedelta(hours=1)), django_capture_on_commit_callbacks(execute=True):
        assert safety.raise_check_out_alerts() == 1
    told = [address for message in sent_email() for address in message.to]
    assert other.email in told and coordinator.email not in told


def test_the_visit_page_shows_the_alert_and_a_coordinator_resolves_it_with_a_note(
    client_for, pair, coordinator, commissioner
):
    visit, _assignments = pair
    with time_machine.travel(visit.ends_at + timedelta(hours=1)):
        safety.raise_check_out_alerts()
    page = client_for(commissioner).get(visit.get_absolute_url()).content.decode()
    assert "Safety alert: the volunteers have not both checked out" in page
    assert "Mark the alert resolved" not in page, "only coordinators resolve"
    assert client_for(commissioner).post(reverse("visits:safety-alert-resolve", args=[visit.pk])).status_code == 403
    client = client_for(coordinator)
    response = client.post(reverse("visits:safety-alert-resolve", args=[visit.pk]), {"note": " "}, follow=True)
    assert "Say how you know the volunteers are safe." in response.content.decode()
    assert SafetyAlert.objects.get().is_open
    client.post(reverse("visits:safety-alert-resolve", args=[visit.pk]), {"note": "Phoned both: home safe."})
    alert = SafetyAlert.objects.get()
    assert not alert.is_open and alert.resolved_by == coordinator
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Safety alert resolved" in page and "Phoned both: home safe." in page


def test_force_liaison_never_sees_the_alert(client_for, pair, force_liaison):
    visit, _assignments = pair
    with time_machine.travel(visit.ends_at + timedelta(hours=1)):
        safety.raise_check_out_alerts()
    client = client_for(force_liaison)
    assert client.get(visit.get_absolute_url()).status_code == 403
    response = client.post(reverse("visits:safety-alert-resolve", args=[visit.pk]), {"note": "x"})
    assert response.status_code == 403
    assert SafetyAlert.objects.get().is_open


REDIS_DOWN_SCRIPT = """
from datetime import timedelta
import time_machine
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from django.urls import reverse
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios.tests.factories import ContactPointFactory
from visits import services, safety
from visits.models import Assignment
from visits.tests.factories import make_visit, ready_volunteer

coordinator = UserFactory(roles=[Role.COORDINATOR])
visit = make_visit(coordinator=coordinator)
assignment, partner = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
client = Client()
with time_machine.travel(visit.starts_at, tick=False):
    client.force_login(assignment.volunteer.user)
    arrived = client.post(reverse("visits:assignment-check-in", args=[assignment.pk]))
with time_machine.travel(visit.ends_at, tick=False):
    left = client.post(reverse("visits:assignment-check-out", args=[assignment.pk]))
    safety.check_out(assignment=partner, by=partner.volunteer.user)
saved = Assignment.objects.get(pk=assignment.pk)
print("RESULT", arrived.status_code, left.status_code, saved.checked_in_at == visit.starts_at,
      saved.checked_out_at == visit.ends_at)
with time_machine.travel(visit.ends_at + timedelta(hours=1)):
    print("ALERTS", safety.raise_check_out_alerts())
"""


def test_checking_in_and_out_work_with_redis_down():
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REDIS_DOWN_SCRIPT],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "RESULT 302 302 True True" in result.stdout
    assert "ALERTS 0" in result.stdout, "a checked-out volunteer raises no alert"


def test_a_declined_volunteer_cannot_check_in(pair):
    visit, (assignment, _other) = pair
    Assignment.objects.filter(pk=assignment.pk).update(declined_at=visit.starts_at - timedelta(days=3))
    with time_machine.travel(visit.starts_at, tick=False), pytest.raises(ValidationError, match="no visit"):
        safety.check_in(assignment=assignment, by=assignment.volunteer.user)
