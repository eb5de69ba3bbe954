"""Workflows of the results capability: releasing a quarter to the force; making and sending reports."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from mysteryshop import languages
from mysteryshop.celery import send_task_on_commit
from mysteryshop.mail import send_email
from mysteryshop.roles import OPCC_ROLES, Role

from . import documents
from .documents import is_complete_period
from .models import GeneratedReport, GenerationStatus, Release, ReportKind, generated_report_path
from .periods import PeriodKind, period_end, period_start

logger = logging.getLogger(__name__)


def released_quarters() -> list[date]:
    """First days of the quarters the force may see, newest first."""
    return Release.objects.quarter_starts()


def is_released(day: date) -> bool:
    """Whether the force may see results of a visit made on `day` (a local date)."""
    return Release.objects.filter(period_start=period_start(PeriodKind.QUARTER, day)).exists()


def release_quarter(*, start: date, by, note: str = "") -> Release:
    """Release a closed quarter's results to the force. Releasing it again changes nothing.

    Only the commissioner releases, and only a quarter that has ended: a
    quarter still running would tell the force that visits are under way.
    """
    if not by.has_role(Role.COMMISSIONER):
        raise PermissionDenied("Only the commissioner releases results to the force.")
    if start != period_start(PeriodKind.QUARTER, start):
        raise ValidationError(gettext("Choose a quarter to release."))
    if period_end(PeriodKind.QUARTER, start) > timezone.localdate():
        raise ValidationError(gettext("A quarter can be released only once it has ended."))
    existing = Release.objects.filter(period_start=start).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Release.objects.create(period_start=start, released_by=by, note=note.strip())
    except IntegrityError:  # released at the same moment by another request
        return Release.objects.get(period_start=start)


# --- Scrutiny and panel reports ---------------------------------------------------------

# A report still "running" this long after it started lost its worker (killed, redeployed): run it again.
STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5 * 60)
# A queued report whose task has not started after this long was lost with the broker: the sweeper runs it.
LOST_AFTER = timedelta(minutes=5)


def _queue(report_id: int) -> None:
    send_task_on_commit("reports.generate_report", args=[report_id])


def request_report(*, kind: str, start: date, by, today: date | None = None) -> GeneratedReport:
    """Ask for a weekly scrutiny or panel report of a complete period; Celery makes it.

    There is one report per kind and period: asking while it is being made, or
    once it is ready, gives the existing one (a ready one is made again only on
    purpose, with `make_again`, or when it is asked for in the other language);
    asking for one that failed tries again.
    """
    if not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only the OPCC makes reports.")
    if kind not in ReportKind.values or not is_complete_period(kind, start, today=today or timezone.localdate()):
        raise ValidationError(gettext("Choose a week or quarter that has ended."))
    try:
        with transaction.atomic():
            report, created = GeneratedReport.objects.get_or_create(
                kind=kind, period_start=start, defaults={"requested_by": by, "language": languages.of_page()}
            )
            if created:
                _queue(report.pk)
    except IntegrityError:  # asked for at the same moment by another request
        report, created = GeneratedReport.objects.get(kind=kind, period_start=start), False
    if not created and (
        report.status == GenerationStatus.FAILED
        or (report.status == GenerationStatus.READY and report.language != languages.of_page())
    ):
        # Failed, or ready in the other language: made again, in the language of the page it is asked on.
        make_again(report=report, by=by)
        report.refresh_from_db()
    return report


def make_again(*, report: GeneratedReport, by) -> bool:
    """Put a ready or failed report back in the queue, to pick up approvals made since.

    A conditional update: a report already queued or being made is left alone,
    so pressing the button twice makes one job. The old files stay until the new
    ones replace them.
    """
    if by is not None and not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only the OPCC makes reports.")
    with transaction.atomic():
        reset = GeneratedReport.objects.filter(
            pk=report.pk, status__in=[GenerationStatus.READY, GenerationStatus.FAILED]
        ).update(
            status=GenerationStatus.QUEUED, progress=0, step=gettext_noop("Waiting to start"), error="",
            requested_by=by, requested_at=timezone.now(), started_at=None, finished_at=None,
            language=languages.of_page() if by is not None else report.language,
        )  # fmt: skip
        if reset:
            _queue(report.pk)
    return bool(reset)


def _commissioners():
    return get_user_model().objects.filter(is_active=True, groups__name=Role.COMMISSIONER)


def _commissioners_language() -> str:
    """For a scheduled report: the language the commissioners chose, when they all chose the same."""
    chosen = set(_commissioners().values_list("language", flat=True))
    return chosen.pop() if len(chosen) == 1 and chosen <= set(dict(languages.offered())) else settings.LANGUAGE_CODE


def _step(report_id: int, started_at, progress: int, step: str) -> None:
    GeneratedReport.objects.filter(pk=report_id, status=GenerationStatus.RUNNING, started_at=started_at).update(
        progress=progress, step=step
    )


def generate_report(*, report_id: int) -> bool:
    """Make a queued report's content, CSV and PDF from the roll-up tables, showing progress as it goes.

    The work is claimed with a conditional update (queued → running, or running
    but stale after a lost worker) and its row count, so a task run twice or
    late changes nothing. Progress is written outside any transaction so the
    page sees it. A failure is recorded with a message a person can read.
    """
    started_at = timezone.now()
    claimed = (
        GeneratedReport.objects.filter(pk=report_id)
        .filter(
            Q(status=GenerationStatus.QUEUED)
            | Q(status=GenerationStatus.RUNNING, started_at__lt=started_at - STALE_AFTER)
        )
        .update(
            status=GenerationStatus.RUNNING,
            started_at=started_at,
            progress=5,
            step=gettext_noop("Reading the roll-up tables"),
        )
    )
    if not claimed:
        return False
    report = GeneratedReport.objects.get(pk=report_id)
    saved: list[str] = []
    try:
        with translation.override(report.language):  # written in the language it was asked for in
            content, svgs = _make_files(report, started_at, saved)
        finished = GeneratedReport.objects.filter(
            pk=report_id, status=GenerationStatus.RUNNING, started_at=started_at
        ).update(
            status=GenerationStatus.READY, progress=100, step=gettext_noop("Ready"), content=content,
            charts=svgs, csv=saved[0], pdf=saved[1], finished_at=timezone.now(), error="",
        )  # fmt: skip
    except Exception as error:
        logger.exception("Could not make report %s.", report_id)
        for name in saved:
            default_storage.delete(name)
        message = (
            str(error)
            if isinstance(error, documents.DocumentError)
            else gettext_noop(
                "Something went wrong while making this report. Make it again; if it fails again, tell the "
                "system administrator (the error is in the worker's log)."
            )
        )
        GeneratedReport.objects.filter(pk=report_id, status=GenerationStatus.RUNNING, started_at=started_at).update(
            status=GenerationStatus.FAILED, step=gettext_noop("Failed"), error=message,
            finished_at=timezone.now(),
        )  # fmt: skip
        return False
    if not finished:  # another run took over meanwhile: keep its files, not these
        for name in saved:
            default_storage.delete(name)
        return False
    # The files this replaces (a report made again).
    for old in (report.csv.name, report.pdf.name):
        if old:
            default_storage.delete(old)
    send_to_commissioners(report_id=report_id)
    return True


def _make_files(report: GeneratedReport, started_at, saved: list[str]) -> tuple[dict, dict]:
    """The report's content, its CSV and PDF (their names added to `saved`) and its charts, step by step."""
    content = documents.content(kind=report.kind, start=report.period_start)
    _step(report.pk, started_at, 30, gettext_noop("Writing the CSV"))
    saved.append(
        default_storage.save(generated_report_path(report, "report.csv"), ContentFile(documents.csv_bytes(content)))
    )
    _step(report.pk, started_at, 40, gettext_noop("Drawing the charts"))
    svgs = documents.draw_charts(content)
    _step(report.pk, started_at, 60, gettext_noop("Writing the PDF"))
    pdf = documents.pdf_bytes(content, svgs=svgs, made_at=started_at)
    _step(report.pk, started_at, 90, gettext_noop("Saving the files"))
    saved.append(default_storage.save(generated_report_path(report, "report.pdf"), ContentFile(pdf)))
    return content, svgs


def commissioner_emails() -> list[str]:
    return sorted(set(_commissioners().exclude(email="").values_list("email", flat=True)))


@transaction.atomic
def send_to_commissioners(*, report_id: int) -> int:
    """E-mail a ready report's PDF and CSV to each commissioner, once, if it was made on the schedule.

    Sending is claimed with a conditional update of `emailed_at` in the same transaction
    that writes the e-mails to the outbox, so the scheduled task and the generation task,
    whichever gets there first, send it once; the outbox keeps them until the mail server
    takes them. Returns how many e-mails were written.
    """
    claimed = GeneratedReport.objects.filter(
        pk=report_id, status=GenerationStatus.READY, email_when_ready=True, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return 0
    report = GeneratedReport.objects.get(pk=report_id)
    with report.pdf.open("rb") as pdf, report.csv.open("rb") as csv_file:
        attachments = [
            (report.file_name("pdf"), pdf.read(), "application/pdf"),
            (report.file_name("csv"), csv_file.read(), "text/csv"),
        ]
    return len(
        send_email(
            to=commissioner_emails(),
            subject=gettext_lazy("%(kind)s: %(period)s"),
            template="reports/documents/report_email.txt",
            context={
                "report": report,
                "scheme_name": settings.MYSTERYSHOP_SCHEME_NAME,
                "kind": lazy(report.get_kind_display, str)(),
                "period": report.period_label,
            },
            attachments=attachments,
        )
    )


def send_scheduled_report(*, kind: str, today: date | None = None) -> GeneratedReport:
    """On the schedule: make the report of the period just ended and e-mail it to the commissioner.

    Safe to run twice or late: the report is made once and sent once. A report
    someone already made for that period is sent as it is.
    """
    start = documents.last_complete_period(kind, today or timezone.localdate())
    try:
        with transaction.atomic():
            report, created = GeneratedReport.objects.get_or_create(
                kind=kind,
                period_start=start,
                defaults={"email_when_ready": True, "language": _commissioners_language()},
            )
    except IntegrityError:
        report, created = GeneratedReport.objects.get(kind=kind, period_start=start), False
    if not created:
        GeneratedReport.objects.filter(pk=report.pk).update(email_when_ready=True)
        GeneratedReport.objects.filter(pk=report.pk, status=GenerationStatus.FAILED).update(
            status=GenerationStatus.QUEUED, progress=0, step=gettext_noop("Waiting to start"), error=""
        )
    generate_report(report_id=report.pk)
    send_to_commissioners(report_id=report.pk)
    report.refresh_from_db()
    return report


def sweep_generated_reports(*, now=None) -> int:
    """Make any report whose task was lost (broker down when it was asked for, worker killed)."""
    now = now or timezone.now()
    lost = GeneratedReport.objects.filter(
        Q(status=GenerationStatus.QUEUED, requested_at__lt=now - LOST_AFTER)
        | Q(status=GenerationStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    ).values_list("pk", flat=True)
    return sum(generate_report(report_id=report_id) for report_id in list(lost))
