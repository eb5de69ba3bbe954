"""Two beat processes (a common mistake): every periodic task is sent twice, and nothing is sent twice."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from mysteryshop.models import OutgoingEmail, OutgoingEmailStatus
from mysteryshop.tests.smtp import free_port, messages_in
from reports.findings import raise_finding
from reports.models import Finding
from scenarios.tests.factories import ContactPointFactory
from visits.models import Assignment, SafetyAlert, Visit, VisitStatus
from visits.tests.factories import approved_scenario, ready_volunteer

from .stack import queue_is_idle, site_env, start_beat, start_redis, start_smtp, start_worker, wait_for

pytestmark = pytest.mark.faults

REDIS_PORT = 6395
# The periodic tasks that send e-mail, each due every second so two beats send each many times.
EMAILING_TASKS = (
    "visits.send_reminders",
    "visits.follow_up_past_visits",
    "visits.check_out_alerts",
    "reports.finding_reminders",
    "mysteryshop.sweep_email",
)
RUN_SECONDS = 15


def visit_with_pair(coordinator, *, starts_in: timedelta, status=VisitStatus.ASSIGNED, checked_in=False) -> Visit:
    """An in-person visit, its pair booked directly (the periodic tasks only read what is recorded)."""
    starts = timezone.now() + starts_in
    visit = Visit.objects.create(
        scenario=approved_scenario(), contact_point=ContactPointFactory(), starts_at=starts,
        ends_at=starts + timedelta(minutes=30), status=status, created_by=coordinator,
    )  # fmt: skip
    for volunteer in (ready_volunteer(), ready_volunteer()):
        Assignment.objects.create(
            visit=visit, volunteer=volunteer, assigned_by=coordinator, blocked_from=visit.starts_at,
            blocked_until=visit.ends_at, checked_in_at=visit.starts_at if checked_in else None,
        )  # fmt: skip
    return visit


def test_two_beats_send_every_periodic_task_twice_and_no_email_goes_twice(
    database_url, processes, log_dir, tmp_path, collected_static, coordinator, force_liaison
):
    redis_url, smtp_port = f"redis://127.0.0.1:{REDIS_PORT}/0", free_port()
    env = site_env(
        database_url=database_url, redis_url=redis_url, static_root=collected_static, tmp=tmp_path,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
    )  # fmt: skip
    # Something for each task to tell: a visit tomorrow morning (reminders), one that ended yesterday with no
    # report (nudges, and a check-out alert), one whose pair checked in and not out (a check-out alert), a
    # finding due soon and one overdue.
    reminded = visit_with_pair(coordinator, starts_in=timedelta(hours=12))
    nudged = visit_with_pair(coordinator, starts_in=-timedelta(hours=30))
    not_out = visit_with_pair(coordinator, starts_in=-timedelta(hours=1, minutes=30), checked_in=True)
    texts = {"what_was_found": "Callers waited.", "recommendation": "Answer sooner."}
    due_soon = raise_finding(by=coordinator, title="Due soon", **texts)
    overdue = raise_finding(by=coordinator, title="Overdue", **texts)
    Finding.objects.filter(pk=due_soon.pk).update(response_due=timezone.localdate() + timedelta(days=1))
    Finding.objects.filter(pk=overdue.pk).update(response_due=timezone.localdate() - timedelta(days=1))
    OutgoingEmail.objects.all().delete()  # the findings' own e-mails are not this test's
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    for name in EMAILING_TASKS:
        PeriodicTask.objects.create(name=f"fault suite: {name}", task=name, interval=every_second)

    processes.append(start_redis(REDIS_PORT, log_dir))
    processes.append(start_smtp(smtp_port, tmp_path / "mailbox", log_dir))
    processes.append(start_worker(env, "worker", log_dir))
    beats = [start_beat(env, name, log_dir, wait=False) for name in ("beat-1", "beat-2")]
    processes.extend(beats)
    for beat in beats:
        beat.wait_for_log("beat: Starting", timeout=90)
    sent = r"Sending due task fault suite: visits\.send_reminders"
    wait_for(
        lambda: all(len(re.findall(sent, beat.log())) >= RUN_SECONDS for beat in beats),
        timeout=RUN_SECONDS * 6, interval=0.5, what=f"each beat to send the reminders task {RUN_SECONDS} times",
    )  # fmt: skip
    for beat in beats:
        beat.stop()
    wait_for(lambda: queue_is_idle(redis_url), timeout=120, what="the worker to finish")
    wait_for(
        lambda: not OutgoingEmail.objects.exclude(status=OutgoingEmailStatus.SENT).exists(),
        timeout=60, what="every e-mail to be sent",
    )  # fmt: skip

    runs = {name: sum(len(re.findall(f"Sending due task fault suite: {re.escape(name)}", b.log())) for b in beats)
            for name in EMAILING_TASKS}  # fmt: skip
    received = messages_in(tmp_path / "mailbox")
    by_subject = Counter(message["Subject"] for message in received)
    copies = Counter(message["Message-ID"] for message in received)
    print(f"\nTimes the two beats sent each task: {runs}")
    print(
        f"E-mails received: {len(received)}; by subject: {dict(by_subject)}; most copies of one: {max(copies.values())}"
    )
    assert all(count >= 2 * RUN_SECONDS for count in runs.values()), "both beats sent every task"
    assert max(copies.values()) == 1 and len(received) == OutgoingEmail.objects.count()
    # Each thing told once: two volunteers reminded, two nudged, a check-out alert for each of two visits
    # (to the coordinator who booked them), the force reminded once, the office told once of the overdue one.
    assert by_subject["Reminder: your mystery shop visit"] == 2
    assert by_subject["Please send your mystery shop report"] == 2
    assert SafetyAlert.objects.filter(visit__in=[nudged, not_out]).count() == 2
    assert by_subject["Safety: volunteers have not checked out of a visit"] == 2
    assert by_subject["Findings awaiting your response"] == 1
    overdue_recipients = {message["To"] for message in received if message["Subject"].startswith("Findings with an")}
    assert by_subject["Findings with an overdue response"] == len(overdue_recipients) >= 1
    assert Assignment.objects.filter(visit=reminded, reminded_at__isnull=False).count() == 2
