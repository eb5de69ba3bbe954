"""The one way the project sends e-mail: an outbox in PostgreSQL.

`send_email` renders the message now and writes one `OutgoingEmail` row per address in
the caller's transaction, so a rolled-back change never tells anyone anything and a
committed one always does. Nothing talks to the mail server inside a request:

1. After commit, the task `mysteryshop.send_email` is sent by name with the rows' ids
   (`send_task_on_commit`: a broker that is down costs the request a second at most).
2. The task claims each row with a conditional UPDATE (pending → sending) and sends it.
   Only the process whose UPDATE changed the row sends it, so two workers, a task run
   twice, or the task and the sweeper at once, send a row once.
3. The sweeper (`mysteryshop.sweep_email`, every minute from beat) sends any row whose
   task was lost (Redis down, worker killed) and retries rows the mail server refused,
   waiting longer each time. A row still unsent after MYSTERYSHOP_EMAIL_GIVE_UP_HOURS,
   or refused for good by the server, is marked failed (the metrics and the admin show it).

If a process dies after the mail server accepted a message but before its row is marked
sent, nobody can know whether it went. Its claim expires after `CLAIM_LEASE` and the
sweeper sends it again: at least once rather than at most once, because a safety alert
or a booking that never arrives does harm and a second copy does not. The copy carries
the same Message-ID (fixed when the row is written), so mail systems that remove
duplicates drop it, and the booking's calendar file has the same UID and sequence, so a
calendar shows one visit. The window is the few milliseconds between the server's
"250 OK" and one UPDATE; the log says when a claim expired.

The embedded demo (no Redis) runs the task in-process at commit, so e-mail appears on
the console at once.
"""

from __future__ import annotations

import base64
import logging
import smtplib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy

from .celery import send_task_on_commit
from .links import site_url
from .models import OutgoingEmail, OutgoingEmailStatus

logger = logging.getLogger(__name__)

# File name, content (text is sent as UTF-8; a callable is called in the recipient's language), MIME type.
Attachment = tuple[str, "bytes | str | Callable[[], bytes | str]", str]

SEND_TASK = "mysteryshop.send_email"
# A claim this old belongs to a process that died while sending (a send takes seconds: every
# step of talking to the mail server times out after EMAIL_TIMEOUT).
CLAIM_LEASE = timedelta(minutes=10)
# The sweeper leaves rows this young to the task sent when they were committed.
SWEEP_GRACE = timedelta(minutes=1)
# After a failed attempt, wait 1, 2, 4, ... minutes before the next, never more than an hour.
LONGEST_WAIT = timedelta(hours=1)
# Sent and given-up rows (without their bodies once sent) are kept this long, then deleted.
KEEP_DAYS = 30

# Models with `email` and `language` whose language wins over the account's (apps add theirs in `ready`).
LANGUAGE_RECORDS: list = []

_suppressed: ContextVar[bool] = ContextVar("email_suppressed", default=False)


@contextmanager
def suppressed() -> Iterator[None]:
    """Write no e-mail inside this block (loading demo data: its bookings must not tell anyone)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def send_email(
    *,
    to: str | Iterable[str],
    subject: str,
    template: str,
    context: dict | None = None,
    attachments: Iterable[Attachment] = (),
) -> list[int]:
    """Send one e-mail to each address in `to` (each on their own) once the transaction commits.

    Each is written in its recipient's language (`language_for`): `subject` is a lazy translation
    (`gettext_lazy`), filled in from `context` when it names `%(…)s` values; `template` is a plain-text
    template, whose context always has `site_url`; an attachment's content may be a callable, called in
    that language too. Empty and repeated addresses are skipped. The message is rendered now and kept in
    the outbox until the mail server has it; returns the outbox rows' ids (none inside `suppressed()`).
    """
    if not isinstance(subject, Promise):
        raise TypeError(
            "The subject must be a lazy translation (gettext_lazy), to be written in each recipient's language."
        )
    if _suppressed.get():
        return []
    addresses = list(dict.fromkeys(filter(None, [to] if isinstance(to, str) else to)))
    context = {"site_url": site_url(), **(context or {})}
    attachments = list(attachments)
    languages = languages_for(addresses)
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "mysteryshop.invalid"
    written = {}
    for language in set(languages.values()):
        with translation.override(language):
            written[language] = _write(subject, template, context, attachments)
    rows = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(to=address, **written[languages[address]], message_id=make_msgid(domain=domain))
        for address in addresses
    )
    ids = [row.pk for row in rows]
    if ids:
        send_task_on_commit(SEND_TASK, args=[ids])
    return ids


def _write(subject, template: str, context: dict, attachments: list[Attachment]) -> dict:
    """Subject, body and attachments in the active language."""
    text = str(subject)
    if "%(" in text:
        text = text % context
    stored = [
        {"name": name, "mimetype": mimetype, "content": base64.b64encode(_bytes(content)).decode("ascii")}
        for name, content, mimetype in attachments
    ]
    return {
        "subject": " ".join(text.split())[:300],  # a header: no line breaks
        "body": render_to_string(template, context),
        "attachments": stored,
    }


def lazy_date(value, format_name: str):
    """A date written out when the e-mail is, in its recipient's language ("5 Rhagfyr 2026")."""
    from django.utils import formats

    return lazy(formats.date_format, str)(value, format_name)


def _bytes(content) -> bytes:
    content = content() if callable(content) else content
    return content.encode() if isinstance(content, str) else content


def languages_for(addresses: Iterable[str]) -> dict[str, str]:
    """Each address's language for what is sent to it: a volunteer's or applicant's record first, then
    the account's; English for anyone else (and always when the scheme does not offer Welsh)."""
    addresses = list(addresses)
    chosen = dict.fromkeys(addresses, settings.LANGUAGE_CODE)
    if not settings.MYSTERYSHOP_WELSH or not addresses:
        return chosen
    from django.contrib.auth import get_user_model

    by_address = {address.lower(): address for address in addresses}
    found = {}
    # Accounts, then the records apps register (a volunteer's record, which an applicant has before an account).
    for model in (get_user_model(), *LANGUAGE_RECORDS):
        people = model.objects.annotate(address=Lower("email")).filter(address__in=list(by_address))
        found.update(people.values_list("address", "language"))
    for lowered_address, language in found.items():
        if lowered_address in by_address and language in dict(settings.LANGUAGES):
            chosen[by_address[lowered_address]] = language
    return chosen


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password reset form, its e-mail going through the outbox instead of out of the request."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        subject = lazy(render_to_string, str)(subject_template_name, context)
        send_email(to=to_email, subject=subject, template=email_template_name, context=context)


# --- Sending (Celery) ----------------------------------------------------------------------


def send_outgoing(ids: Iterable[int]) -> int:
    """Send the outbox rows with these ids that are still waiting; returns how many were sent.

    Stops at the first failure that is not about one address (the mail server down or
    refusing): the rest stay waiting for the sweeper.
    """
    connection = get_connection(fail_silently=False)
    opened = False
    sent = 0
    try:
        for pk in ids:
            email = _claim(pk)
            if email is None:
                continue
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([_message(email)])
            except Exception as error:
                _give_back(email, error)
                if _about_the_address(error):
                    continue
                break
            _mark_sent(email)
            sent += 1
    finally:
        if opened:
            try:
                connection.close()
            except Exception:
                logger.warning("Could not close the connection to the mail server.", exc_info=True)
    return sent


def sweep(*, now=None, limit: int = 200) -> int:
    """Send what the tasks did not: rows whose task was lost, rows due another try, and rows
    whose sender died mid-send (sent again, see the module's docstring). Returns how many were sent."""
    now = now or timezone.now()
    expired = OutgoingEmail.objects.filter(status=OutgoingEmailStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    for pk in expired.values_list("pk", flat=True):
        if OutgoingEmail.objects.filter(
            pk=pk, status=OutgoingEmailStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
        ).update(status=OutgoingEmailStatus.PENDING, next_attempt_at=now):
            logger.warning(
                "E-mail %s was claimed %s ago and never marked sent: its sender died. Sending it again "
                "(same Message-ID); it may arrive twice.",
                pk,
                CLAIM_LEASE,
            )
    due = (
        OutgoingEmail.objects.filter(
            status=OutgoingEmailStatus.PENDING, next_attempt_at__lte=now, created_at__lte=now - SWEEP_GRACE
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    return send_outgoing(list(due[:limit]))


def forget_old(*, now=None) -> int:
    """Delete sent and given-up rows older than KEEP_DAYS (their bodies went when they were sent)."""
    now = now or timezone.now()
    done = (OutgoingEmailStatus.SENT, OutgoingEmailStatus.FAILED)
    return OutgoingEmail.objects.filter(status__in=done, created_at__lt=now - timedelta(days=KEEP_DAYS)).delete()[0]


def forget_address(address: str) -> int:
    """Delete every outbox row to this address, sent or not (a person's data erased: nothing more goes to them)."""
    return OutgoingEmail.objects.filter(to__iexact=address).delete()[0] if address else 0


def _claim(pk: int) -> OutgoingEmail | None:
    """Take the row for sending if it is waiting; None if another process has it or it is done."""
    claimed = OutgoingEmail.objects.filter(pk=pk, status=OutgoingEmailStatus.PENDING).update(
        status=OutgoingEmailStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return OutgoingEmail.objects.get(pk=pk) if claimed else None


def _message(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage(email.subject, email.body, to=[email.to], headers={"Message-ID": email.message_id})
    for attachment in email.attachments:
        message.attach(attachment["name"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message


def _mark_sent(email: OutgoingEmail) -> None:
    OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmailStatus.SENDING).update(
        status=OutgoingEmailStatus.SENT, sent_at=timezone.now(), body="", attachments=[], last_error=""
    )


def _about_the_address(error: Exception) -> bool:
    """The server refused this message's address (the next message may well go)."""
    return isinstance(error, smtplib.SMTPRecipientsRefused)


def _refused_for_good(error: Exception) -> bool:
    """A permanent refusal (5xx) of the address: trying again cannot help."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )


def _give_back(email: OutgoingEmail, error: Exception) -> None:
    """Return a claimed row after a failed attempt: due again later, or given up."""
    now = timezone.now()
    give_up_at = email.created_at + timedelta(hours=settings.MYSTERYSHOP_EMAIL_GIVE_UP_HOURS)
    reason = f"{type(error).__name__}: {error}"[:300]
    if _refused_for_good(error) or now >= give_up_at:
        OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmailStatus.SENDING).update(
            status=OutgoingEmailStatus.FAILED, last_error=reason
        )
        logger.error("Gave up sending e-mail %s after %s attempt(s): %s", email.pk, email.attempts, reason)
        return
    wait = min(timedelta(minutes=2 ** min(email.attempts - 1, 10)), LONGEST_WAIT)
    OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmailStatus.SENDING).update(
        status=OutgoingEmailStatus.PENDING, next_attempt_at=now + wait, last_error=reason
    )
    logger.warning(
        "Could not send e-mail %s (attempt %s), trying again in %s: %s", email.pk, email.attempts, wait, reason
    )
