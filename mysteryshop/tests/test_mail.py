"""The e-mail outbox: written in the caller's transaction, sent by Celery once, never lost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail as django_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import lazystr

from conftest import PATIENCE
from mysteryshop import mail, tasks
from mysteryshop.models import OutgoingEmail, OutgoingEmailStatus

from .smtp import SMTPServer, free_port

BASE_DIR = Path(__file__).resolve().parents[2]
TEMPLATE = "visits/email/declined.txt"


def write(to="someone@example.org", **kwargs):
    return mail.send_email(
        to=to,
        subject=lazystr(kwargs.pop("subject", "Hello")),
        template=TEMPLATE,
        context={"assignment": None},
        **kwargs,
    )


def waiting():
    return list(OutgoingEmail.objects.filter(status=OutgoingEmailStatus.PENDING).values_list("pk", flat=True))


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend talks to."""
    server = SMTPServer(refuse=("nobody@example.org",)).start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


def use_smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


# --- Writing ---------------------------------------------------------------------------------


def test_an_email_is_a_row_in_the_callers_transaction_and_nothing_is_sent_there(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = write(to=["a@example.org", "b@example.org", "a@example.org", ""])
    assert OutgoingEmail.objects.filter(pk__in=ids).count() == 2, "one row per address, repeats and blanks skipped"
    assert django_mail.outbox == []
    assert len(callbacks) == 1, "one task, sent after commit"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        write()
        raise RuntimeError("the change failed")
    assert not OutgoingEmail.objects.exists()


def test_a_subject_is_one_line(db):
    (pk,) = write(subject="A finding:\r\nBcc: everyone@example.org")
    assert OutgoingEmail.objects.get(pk=pk).subject == "A finding: Bcc: everyone@example.org"


# --- Sending ---------------------------------------------------------------------------------


def test_the_task_sends_each_email_once_with_its_attachments_and_then_forgets_the_body(db):
    ids = write(attachments=[("visit.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    assert tasks.send_email(ids) == 1
    assert tasks.send_email(ids) == 0, "a task run twice sends nothing more"
    (message,) = django_mail.outbox
    assert message.attachments == [("visit.ics", "BEGIN:VCALENDAR", "text/calendar")]
    row = OutgoingEmail.objects.get(pk=ids[0])
    assert message.extra_headers["Message-ID"] == row.message_id
    assert (row.status, row.attempts, row.body, row.attachments) == (OutgoingEmailStatus.SENT, 1, "", [])
    assert row.sent_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_email_once():
    ids = [pk for _ in range(30) for pk in write(to=f"person{_}@example.org")]
    start = threading.Barrier(2)
    counts = []

    def worker():
        start.wait()
        try:
            counts.append(mail.send_outgoing(ids))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)
    assert sum(counts) == 30
    assert sorted(message.to[0] for message in django_mail.outbox) == sorted(
        f"person{n}@example.org" for n in range(30)
    )


def test_through_a_real_smtp_server_with_one_address_refused_for_good(db, smtp):
    ids = write(to=["first@example.org", "nobody@example.org", "last@example.org"])
    assert mail.send_outgoing(ids) == 2
    assert [message["To"] for message in smtp.messages] == ["first@example.org", "last@example.org"]
    refused = OutgoingEmail.objects.get(to="nobody@example.org")
    assert refused.status == OutgoingEmailStatus.FAILED and "550" in refused.last_error
    assert refused.body, "kept (for a month) to look into"


def test_with_the_mail_server_down_nothing_is_lost_and_it_all_goes_once_when_it_is_back(db, settings):
    port = free_port()
    use_smtp(settings, port)  # nothing listens there yet
    ids = [pk for n in range(5) for pk in write(to=f"person{n}@example.org")]
    assert mail.send_outgoing(ids) == 0
    rows = OutgoingEmail.objects.order_by("pk")
    assert [row.status for row in rows] == [OutgoingEmailStatus.PENDING] * 5
    assert rows[0].attempts == 1 and rows[0].last_error, "the first was tried; the rest were left for the sweeper"
    assert all(row.attempts == 0 for row in rows[1:])
    assert rows[0].next_attempt_at > timezone.now(), "tried again after a wait"
    server = SMTPServer(port).start()
    try:
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            assert tasks.sweep_email() == 5
            assert tasks.sweep_email() == 0
    finally:
        server.stop()
    assert sorted(message["To"] for message in server.messages) == [f"person{n}@example.org" for n in range(5)]


def test_waits_grow_after_each_failure_and_it_is_given_up_after_the_setting(db, settings):
    settings.MYSTERYSHOP_EMAIL_GIVE_UP_HOURS = 3
    use_smtp(settings, free_port())
    (pk,) = write()
    started = timezone.now()
    waits = []
    with time_machine.travel(started, tick=False) as clock:
        for _ in range(6):
            mail.send_outgoing([pk])
            row = OutgoingEmail.objects.get(pk=pk)
            if row.status == OutgoingEmailStatus.FAILED:
                break
            waits.append(round((row.next_attempt_at - timezone.now()).total_seconds() / 60))
            clock.move_to(row.next_attempt_at)
        clock.move_to(started + timedelta(hours=3))
        mail.send_outgoing([pk])
    assert waits[:4] == [1, 2, 4, 8]
    assert OutgoingEmail.objects.get(pk=pk).status == OutgoingEmailStatus.FAILED


def test_the_sweeper_sends_what_the_task_lost_but_leaves_fresh_rows_to_their_task(db):
    ids = write()
    assert mail.sweep() == 0, "a row seconds old is its task's"
    with time_machine.travel(timezone.now() + mail.SWEEP_GRACE + timedelta(seconds=1)):
        assert mail.sweep() == 1
    assert OutgoingEmail.objects.get(pk=ids[0]).status == OutgoingEmailStatus.SENT


def test_a_sender_that_died_mid_send_leaves_a_claim_that_expires_and_the_email_goes_again(db, caplog):
    (pk,) = write()
    # A worker claimed it and died before marking it: whether the server took it is unknown.
    OutgoingEmail.objects.filter(pk=pk).update(status=OutgoingEmailStatus.SENDING, claimed_at=timezone.now())
    assert mail.sweep() == 0, "within the lease the claim stands"
    with time_machine.travel(timezone.now() + mail.CLAIM_LEASE + timedelta(minutes=1)):
        assert mail.sweep() == 1
    message_id = OutgoingEmail.objects.get(pk=pk).message_id
    assert django_mail.outbox[0].extra_headers["Message-ID"] == message_id, "the same Message-ID as any first copy"
    assert "it may arrive twice" in caplog.text


def test_sent_and_given_up_rows_are_forgotten_after_a_month(db):
    sent, failed, waiting_row = (write(to=f"{n}@example.org")[0] for n in ("sent", "failed", "waiting"))
    OutgoingEmail.objects.filter(pk=sent).update(status=OutgoingEmailStatus.SENT, sent_at=timezone.now())
    OutgoingEmail.objects.filter(pk=failed).update(status=OutgoingEmailStatus.FAILED)
    with time_machine.travel(timezone.now() + timedelta(days=mail.KEEP_DAYS + 1)):
        assert tasks.forget_old_email() == 2
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [waiting_row]


# --- The embedded demo --------------------------------------------------------------------------


def test_the_embedded_site_prints_email_on_the_console_at_commit(tmp_path):
    script = (
        "from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
        "from django.db import transaction\n"
        "from django.utils.functional import lazystr\n"
        "from mysteryshop.mail import send_email\n"
        "with transaction.atomic():\n"
        "    send_email(to='ada@example.org', subject=lazystr('Printed at commit'), template='visits/email/declined.txt',"
        " context={'assignment': None})\n"
        "    print('still in the transaction', flush=True)\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "EMAIL_URL", "DATABASE_URL")} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"still in the transaction.*Subject: Printed at commit.*To: ada@example.org", result.stdout, re.S)


# --- One way to send -----------------------------------------------------------------------------

# Spelled in pieces so this file does not match itself.
FORBIDDEN = ("send" + "_mail", "Email" + "Message", "." + "send(", "send" + "_messages")


def test_nothing_but_the_outbox_sends_email():
    """Every e-mail goes through mysteryshop.mail; a direct send inside a request is the bug this prevents."""
    offenders = []
    for path in sorted(BASE_DIR.rglob("*.py")):
        relative = path.relative_to(BASE_DIR)
        if relative.parts[0] in (".venv", "node_modules", "staticfiles") or relative == Path("mysteryshop/mail.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            offenders += [f"{relative}:{number}: {word}" for word in FORBIDDEN if word in line]
    assert offenders == []


def test_an_administrator_sends_a_given_up_email_again_once_its_cause_is_fixed(client, db):
    from django.urls import reverse

    from conftest import sign_in_as
    from mysteryshop.tests.factories import UserFactory

    (pk,) = write()
    OutgoingEmail.objects.filter(pk=pk).update(status=OutgoingEmailStatus.FAILED, attempts=9, last_error="550")
    sign_in_as(client, UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:mysteryshop_outgoingemail_changelist")).content.decode()
    assert "Given up" in page and "Hello" in page
    client.post(
        reverse("admin:mysteryshop_outgoingemail_changelist"), {"action": "send_again", "_selected_action": [pk]}
    )
    assert OutgoingEmail.objects.get(pk=pk).status == OutgoingEmailStatus.PENDING
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert mail.sweep() == 1


def test_erasing_a_person_takes_their_email_out_of_the_outbox(db):
    from volunteers import services
    from volunteers.tests.factories import VolunteerFactory

    person, other = VolunteerFactory(status="left"), VolunteerFactory()
    write(to=[person.email.upper(), other.email])
    services.anonymise(person)
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [other.email]


@pytest.mark.celery_worker
def test_a_real_worker_sends_email_written_in_a_committed_transaction(celery_worker):
    from conftest import emails_in, wait_until

    with transaction.atomic():
        write(
            to="ada@example.org",
            subject=lazystr("From the worker"),
            attachments=[("visit.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
    (message,) = wait_until(lambda: emails_in(celery_worker.email_dir))
    assert (message["To"], message["Subject"]) == ("ada@example.org", "From the worker")
    assert [part.get_filename() for part in message.iter_attachments()] == ["visit.ics"]
    assert OutgoingEmail.objects.get().status == OutgoingEmailStatus.SENT
