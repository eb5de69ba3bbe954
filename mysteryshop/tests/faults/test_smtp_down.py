"""The mail server down: pages answer at once, nothing is lost, and each e-mail goes once when it is back."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from mysteryshop.models import OutgoingEmail, OutgoingEmailStatus
from mysteryshop.tests.factories import UserFactory
from mysteryshop.tests.smtp import free_port, messages_in
from visits.models import Assignment
from visits.tests.factories import make_visit, ready_volunteer

from .conftest import session_key
from .stack import (
    Site,
    queue_is_idle,
    send_task,
    site_env,
    start_gunicorn,
    start_redis,
    start_smtp,
    start_worker,
    summary,
    wait_for,
)

pytestmark = pytest.mark.faults

REDIS_PORT = 6394
RESETS = 20


def test_with_the_mail_server_down_every_email_is_sent_once_when_it_comes_back(
    database_url, processes, log_dir, tmp_path, collected_static, coordinator
):
    redis_url, smtp_port = f"redis://127.0.0.1:{REDIS_PORT}/0", free_port()
    env = site_env(
        database_url=database_url, redis_url=redis_url, static_root=collected_static, tmp=tmp_path,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}", EMAIL_TIMEOUT="5", MYSTERYSHOP_PASSWORD_RESETS_PER_HOUR="1000",
    )  # fmt: skip
    port = free_port()
    processes.append(start_redis(REDIS_PORT, log_dir))
    processes.append(start_gunicorn(env, port, log_dir))
    processes.append(start_worker(env, "worker", log_dir))
    people = [UserFactory() for _ in range(RESETS)]
    visit = make_visit(coordinator=coordinator)
    pair = [ready_volunteer(), ready_volunteer()]
    public, office = Site(port), Site(port, session_key(coordinator))

    # Nothing listens on the mail server's port: it is down.
    answers = [public.post("/accounts/password_reset/", {"email": person.email}) for person in people]
    answers += [office.post(f"/visits/{visit.pk}/assign/", {"volunteer": volunteer.pk}) for volunteer in pair]
    assert [answer.status for answer in answers] == [302] * len(answers)
    assert Assignment.objects.filter(visit=visit).count() == 2
    expected = RESETS + 2
    wait_for(
        lambda: OutgoingEmail.objects.filter(status=OutgoingEmailStatus.PENDING, attempts__gte=1).count() == expected,
        timeout=120, what="the worker to try every e-mail",
    )  # fmt: skip
    print(f"\nWith the mail server down: {len(answers)} pages answered, {summary([a.seconds for a in answers])}")
    print(f"E-mails waiting in the outbox after one try each: {OutgoingEmail.objects.count()}")
    # No page talks to the mail server (the outbox); a generous bound catches one that would hang on it.
    assert max(answer.seconds for answer in answers) < 5.0, [round(answer.seconds, 3) for answer in answers]

    mailbox = tmp_path / "mailbox"
    processes.append(start_smtp(smtp_port, mailbox, log_dir))
    # The sweeper, from beat every minute, sends what is due; here as if those minutes had passed, and by two
    # sweepers at once (two beats), which must not send anything twice.
    OutgoingEmail.objects.update(created_at=F("created_at") - timedelta(minutes=2), next_attempt_at=timezone.now())
    send_task(redis_url, "mysteryshop.sweep_email")
    send_task(redis_url, "mysteryshop.sweep_email")
    wait_for(
        lambda: OutgoingEmail.objects.filter(status=OutgoingEmailStatus.SENT).count() == expected,
        timeout=120, what="every e-mail to be sent",
    )  # fmt: skip
    wait_for(lambda: queue_is_idle(redis_url), timeout=60, what="the sweepers to finish")

    received = messages_in(mailbox)
    per_message_id = Counter(message["Message-ID"] for message in received)
    print(
        f"Once the mail server was back: {len(received)} received, most copies of one e-mail: {max(per_message_id.values())}"
    )
    assert len(received) == expected
    assert set(per_message_id) == set(OutgoingEmail.objects.values_list("message_id", flat=True))
    assert sorted(message["To"] for message in received) == sorted(
        [person.email for person in people] + [volunteer.email for volunteer in pair]
    )
    bookings = [message for message in received if message["Subject"] == "You have a new mystery shop visit"]
    assert len(bookings) == 2
    assert all(
        any(part.get_filename() == "visit.ics" for part in message.iter_attachments()) for message in bookings
    ), "the calendar file survives the outbox"
