"""Reminders before a visit, and the follow-up after it, with a frozen clock."""

from datetime import timedelta

import time_machine
from django.core import mail

from visits import services, tasks
from visits.models import VisitStatus

from .factories import make_visit, ready_volunteer


def booked_visit(coordinator, django_capture_on_commit_callbacks, sent_email):
    visit = make_visit(coordinator=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    sent_email().clear()
    return visit


def test_a_reminder_goes_once_in_the_day_before_the_visit(
    coordinator, django_capture_on_commit_callbacks, settings, sent_email
):
    settings.MYSTERYSHOP_REMINDER_HOURS = 24
    visit = booked_visit(coordinator, django_capture_on_commit_callbacks, sent_email)
    with time_machine.travel(visit.starts_at - timedelta(hours=30)):
        assert services.send_reminders() == 0
    with time_machine.travel(visit.starts_at - timedelta(hours=20)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == 2
        assert services.send_reminders() == 0, "a second run sends nothing"
    assert len(sent_email()) == 2
    assert all("Reminder" in message.subject for message in mail.outbox)


def test_after_the_window_volunteers_are_nudged_then_the_visit_is_missed(
    coordinator, django_capture_on_commit_callbacks, settings, sent_email
):
    settings.MYSTERYSHOP_REPORT_NUDGE_HOURS = 24
    visit = booked_visit(coordinator, django_capture_on_commit_callbacks, sent_email)
    with time_machine.travel(visit.ends_at + timedelta(hours=23)):
        assert services.follow_up_past_visits() == (0, 0)
    with time_machine.travel(visit.ends_at + timedelta(hours=25)), django_capture_on_commit_callbacks(execute=True):
        assert services.follow_up_past_visits() == (1, 0)
        assert services.follow_up_past_visits() == (0, 0)
    assert len(sent_email()) == 2
    with time_machine.travel(visit.ends_at + timedelta(hours=49)):
        assert tasks.follow_up_past_visits() == [0, 1]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.MISSED
    assert visit.events.last().reason == "No report after the visit window."


def test_a_completed_visit_is_left_alone(coordinator, django_capture_on_commit_callbacks, sent_email):
    visit = booked_visit(coordinator, django_capture_on_commit_callbacks, sent_email)
    with time_machine.travel(visit.starts_at + timedelta(minutes=5)):
        services.mark_completed(visit=visit, by=coordinator)
    with time_machine.travel(visit.ends_at + timedelta(days=5)):
        assert services.follow_up_past_visits() == (0, 0)
