"""Weekly scrutiny and Police and Crime Panel reports: made by Celery from the roll-ups, kept, sent on a schedule."""

import csv
import io
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import PATIENCE, accessibility_problems, browser_sign_in, wait_for, wait_until
from mysteryshop.tests.test_welsh import BOTH
from reports import charts, documents, periods, rollups, services, tasks
from reports.models import GeneratedReport, GenerationStatus, ReportKind, RollupRow
from reports.periods import PeriodKind, period_end, period_start
from scenarios.models import CommitmentArea, ContactPoint
from visits import capture
from visits.models import Submission

from .test_rollups import approved_report

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def week(coordinator):
    """Two approved, rolled-up reports in one week: one meets all 4 weight, the other 1 of 3 (5 of 7 overall)."""
    good = approved_report(coordinator, greeted=True)
    approved_report(coordinator, greeted=False, day=good.assignment.visit.starts_at.date())
    rollups.rebuild()
    day = timezone_date(good.assignment.visit.starts_at)
    return {"start": period_start(PeriodKind.WEEK, day), "quarter": period_start(PeriodKind.QUARTER, day)}


def timezone_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def after(kind: str, start: date, hour: int = 9) -> datetime:
    """The morning after a period ends."""
    return datetime.combine(period_end(kind, start), time(hour), tzinfo=LONDON)


def made(kind: str, start: date) -> GeneratedReport:
    report = GeneratedReport.objects.create(kind=kind, period_start=start)
    assert services.generate_report(report_id=report.pk)
    report.refresh_from_db()
    return report


def csv_table(report: GeneratedReport) -> list[dict]:
    with report.csv.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def pdf_reader(report: GeneratedReport) -> PdfReader:
    with report.pdf.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def fill_colours(reader: PdfReader) -> set[str]:
    """Every colour the PDF fills shapes with (as #rrggbb), looking inside drawn images (form XObjects) too."""
    found, seen = set(), set()

    def walk(stream, resources):
        for operands, operator in ContentStream(stream, reader).operations:
            if operator == b"rg":
                found.add("#" + "".join(f"{round(float(value) * 255):02x}" for value in operands))
            elif operator == b"Do" and resources and "/XObject" in resources:
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                    seen.add(id(xobject))
                    walk(xobject, xobject.get("/Resources", resources))

    for page in reader.pages:
        walk(page.get_contents(), page["/Resources"])
    return found


# --- Content, CSV and PDF ---------------------------------------------------------------


def test_the_csv_holds_the_figures_of_the_roll_ups(week):
    report = made(ReportKind.WEEKLY, week["start"])
    rows = csv_table(report)
    assert list(rows[0]) == documents.CSV_HEADER
    assert list(rows[0])[:7] == ["section", "label", "reports", "weight met", "weight applicable", "score %", "status"]
    force = next(row for row in rows if row["section"] == "Force-wide")
    assert (force["reports"], force["weight met"], force["weight applicable"], force["score %"], force["status"]) == (
        "2", "5", "7", "71.4", "amber",
    )  # fmt: skip
    week_rows = RollupRow.objects.filter(period_kind="week", period_start=week["start"], question_id=0)
    for row in (row for row in rows if row["section"] == "Contact point"):
        point = ContactPoint.objects.get(name=row["label"])
        expected = week_rows.get(contact_point_id=point.pk, area_id=0)
        assert (int(row["reports"]), int(row["weight met"]), int(row["weight applicable"])) == (
            expected.reports, expected.weight_met, expected.weight_applicable,
        )  # fmt: skip
    for row in (row for row in rows if row["section"] == "Commitment area" and row["reports"] != "0"):
        totals = week_rows.filter(area_id__gt=0, area_id__in=_area_ids(row["label"])).aggregate(
            m=Sum("weight_met"), a=Sum("weight_applicable")
        )
        assert (int(row["weight met"]), int(row["weight applicable"])) == (totals["m"], totals["a"])
    assert {row["section"] for row in rows} == {
        "Force-wide",
        "Previous period",
        "Commitment area",
        "Channel",
        "Contact point",
    }


def _area_ids(name: str) -> list[int]:
    return list(CommitmentArea.objects.filter(name=name).values_list("pk", flat=True))


def test_a_label_that_looks_like_a_formula_is_quoted_in_the_csv(week):
    point = ContactPoint.objects.filter(pk__in=RollupRow.objects.values("contact_point_id")).first()
    point.name = '=HYPERLINK("http://example.com","Click")'
    point.save()
    labels = [row["label"] for row in csv_table(made(ReportKind.WEEKLY, week["start"]))]
    assert '\'=HYPERLINK("http://example.com","Click")' in labels
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)


def test_the_pdf_has_the_headings_figures_and_charts(week):
    report = made(ReportKind.WEEKLY, week["start"])
    reader = pdf_reader(report)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for words in (
        "Weekly scrutiny report",
        capfirst(report.period_label),
        "71.4% of the commitment met, from 2 checked reports",
        "Commitment areas",
        "Channels",
        "Contact points, best first",
        "Timed questions",
    ):
        assert words in text
    for point in ContactPoint.objects.filter(pk__in=RollupRow.objects.values("contact_point_id")):
        assert point.name in text
    # The charts are drawn in the PDF: their axis titles are there as text, and their bars as
    # shapes filled in the red and green of the commitment areas' statuses (50% and 100% met).
    assert "Share of the commitment met (%)" in text and "Seconds" in text
    assert {charts.STATUS_COLOURS["red"], charts.STATUS_COLOURS["green"]} <= fill_colours(reader)


def test_the_weekly_report_says_how_many_reports_of_the_week_still_wait_for_review(coordinator, client_for):
    first = approved_report(coordinator, approve=False)
    day = first.assignment.visit.starts_at
    waiting = [first, approved_report(coordinator, approve=False, day=day.date())]
    rollups.rebuild()
    start = period_start(PeriodKind.WEEK, timezone_date(day))
    report = made(ReportKind.WEEKLY, start)
    page = client_for(coordinator).get(reverse("reports:document-detail", args=[report.pk])).content.decode()
    assert "No checked reports yet. 2 reports of this week still wait for review: they count once approved." in page
    assert "No checked reports in this period" not in page.split('id="summary"')[1].split("</section>")[0]

    approved = Submission.objects.get(pk=waiting[0].pk)
    with time_machine.travel(day + timedelta(days=1)):
        capture.approve(submission=approved, by=coordinator)
    rollups.rebuild()
    report.delete()
    content = made(ReportKind.WEEKLY, start).content
    assert content["force"]["reports"] == 1
    assert content["review_text"] == "1 report of this week still waits for review: it counts once approved."


def test_the_panel_report_covers_the_quarter(week):
    report = made(ReportKind.PANEL, week["quarter"])
    rows = csv_table(report)
    assert next(row for row in rows if row["section"] == "Force-wide")["label"].startswith(
        f"{week['quarter'].year} Q{(week['quarter'].month - 1) // 3 + 1}"
    )
    text = " ".join(page.extract_text() for page in pdf_reader(report).pages)
    assert "Police and Crime Panel report" in " ".join(text.split())


def test_reports_read_only_the_roll_ups_not_the_answers(coordinator):
    visit_day = timezone_date(approved_report(coordinator).assignment.visit.starts_at)
    # Approved but not rolled up yet: the report knows nothing of it.
    report = made(ReportKind.WEEKLY, period_start(PeriodKind.WEEK, visit_day))
    assert report.content["force"]["reports"] == 0
    assert next(row for row in csv_table(report) if row["section"] == "Force-wide")["status"] == "no data"


def test_charts_are_the_same_bytes_every_time(week):
    content = documents.content(kind=ReportKind.WEEKLY, start=week["start"])
    names = [chart.name for chart in charts.chart_list(content)]
    assert names == ["areas", "channels", "timing-0", "timing-1"]  # each report's questionnaire has its own wait
    for name in names:
        first = charts.draw(content, name)
        assert first == charts.draw(content, name)
        assert first.startswith("<?xml") and "<dc:date>" not in first and "Matplotlib v" not in first
    assert charts.draw(content, "nonsense") is None


def test_the_weekly_report_covers_the_last_complete_monday_to_sunday():
    monday = date(2026, 11, 2)
    assert documents.last_complete_period(ReportKind.WEEKLY, monday + timedelta(days=7)) == monday
    assert documents.last_complete_period(ReportKind.WEEKLY, monday + timedelta(days=13)) == monday
    assert documents.last_complete_period(ReportKind.PANEL, date(2026, 10, 1)) == date(2026, 7, 1)
    label = periods.period_label
    assert label(PeriodKind.WEEK, date(2026, 11, 30), with_dates=True) == "week of 30 November to 6 December 2026"
    assert label(PeriodKind.QUARTER, date(2026, 7, 1), with_dates=True) == "2026 Q3 (July to September 2026)"
    assert label(PeriodKind.QUARTER, date(2026, 7, 1)) == "2026 Q3"
    assert label(PeriodKind.WEEK, date(2026, 11, 30)) == "Week beginning 30 November 2026"
    assert label(PeriodKind.MONTH, date(2026, 11, 1), with_dates=True) == "November 2026"


# --- Generation ---------------------------------------------------------------------


def test_running_the_task_twice_changes_nothing(week):
    report = made(ReportKind.WEEKLY, week["start"])
    assert (report.status, report.progress) == (GenerationStatus.READY, 100)
    before = GeneratedReport.objects.values().get(pk=report.pk)
    assert tasks.generate_report(report.pk) is False
    assert GeneratedReport.objects.values().get(pk=report.pk) == before
    assert report.pdf.storage.exists(report.pdf.name) and report.csv.storage.exists(report.csv.name)


def test_making_a_report_again_replaces_its_files(week, coordinator):
    report = made(ReportKind.WEEKLY, week["start"])
    old = (report.pdf.name, report.csv.name)
    assert services.make_again(report=report, by=coordinator)
    assert not services.make_again(report=report, by=coordinator), "already queued: one job only"
    assert GeneratedReport.objects.get(pk=report.pk).status == GenerationStatus.QUEUED
    assert services.generate_report(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == GenerationStatus.READY and (report.pdf.name, report.csv.name) != old
    assert not any(report.pdf.storage.exists(name) for name in old)


def test_a_report_is_marked_failed_with_a_readable_message_when_pdfs_cannot_be_made(
    week, monkeypatch, client_for, coordinator, private_media
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as on a machine without the Pango libraries
    report = GeneratedReport.objects.create(kind=ReportKind.WEEKLY, period_start=week["start"])
    assert services.generate_report(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.status == GenerationStatus.FAILED and "libpango-1.0-0" in report.error
    assert not report.pdf and not any(private_media.rglob("*.*")), "no half-made files are kept"
    content = client_for(coordinator).get(report.get_absolute_url()).content.decode()
    assert "This report could not be made" in content and "libpango-1.0-0" in content and "Make it again" in content
    assert client_for(coordinator).get(reverse("reports:document-pdf", args=[report.pk])).status_code == 404


def test_a_lost_task_is_picked_up_by_the_sweeper(week, coordinator):
    asked_at = after(PeriodKind.WEEK, week["start"])
    with time_machine.travel(asked_at):
        report = services.request_report(kind=ReportKind.WEEKLY, start=week["start"], by=coordinator)
    assert report.status == GenerationStatus.QUEUED, "the task was never run"
    assert services.sweep_generated_reports(now=asked_at + timedelta(minutes=1)) == 0, "give the task time first"
    assert services.sweep_generated_reports(now=asked_at + timedelta(minutes=10)) == 1
    assert GeneratedReport.objects.get(pk=report.pk).status == GenerationStatus.READY


# --- Pages ----------------------------------------------------------------------------


def test_asking_for_a_report_makes_one_job_for_one_period(week, client_for, coordinator):
    with time_machine.travel(after(PeriodKind.WEEK, week["start"])):
        client = client_for(coordinator)
        data = {"kind": "weekly", "period": week["start"].isoformat()}
        first = client.post(reverse("reports:document-request"), data)
        second = client.post(reverse("reports:document-request"), data)
    report = GeneratedReport.objects.get()
    assert first.url == second.url == report.get_absolute_url()
    assert (report.kind, report.period_start, report.requested_by) == ("weekly", week["start"], coordinator)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_embedded_site_makes_the_report_within_the_request(week, client_for, coordinator, monkeypatch):
    from mysteryshop.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # as with no REDIS_URL
    with time_machine.travel(after(PeriodKind.WEEK, week["start"])):
        response = client_for(coordinator).post(
            reverse("reports:document-request"), {"kind": "weekly", "period": week["start"].isoformat()}, follow=True
        )
    assert GeneratedReport.objects.get().status == GenerationStatus.READY
    assert "Download the PDF" in response.content.decode()


def test_a_week_that_has_not_ended_cannot_be_asked_for(week, client_for, coordinator):
    with time_machine.travel(after(PeriodKind.WEEK, week["start"]) - timedelta(days=1)):
        response = client_for(coordinator).post(
            reverse("reports:document-request"), {"kind": "weekly", "period": week["start"].isoformat()}, follow=True
        )
    assert "Choose a week or quarter from the list" in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_the_page_shows_progress_while_the_report_is_being_made(client_for, commissioner):
    report = GeneratedReport.objects.create(
        kind=ReportKind.PANEL, period_start=date(2026, 7, 1), status=GenerationStatus.RUNNING, progress=45,
        step="Drawing the charts",
    )  # fmt: skip
    client = client_for(commissioner)
    content = client.get(report.get_absolute_url()).content.decode()
    assert '<progress class="document-progress d-block mb-2" id="document-progress" max="100" value="45">' in content
    assert 'role="status" aria-live="polite"' in content
    assert "Being made: Drawing the charts (45% done)." in content
    assert f'href="{report.get_absolute_url()}">refresh this page</a>' in content
    assert "js/document-progress.js" in content
    status = client.get(reverse("reports:document-status", args=[report.pk])).json()
    assert status == {
        "status": "running",
        "progress": 45,
        "step": "Drawing the charts",
        "done": False,
    }
    assert client.get(reverse("reports:document-pdf", args=[report.pk])).status_code == 404


def test_a_ready_report_is_a_page_with_charts_tables_and_downloads(week, client_for, commissioner):
    report = made(ReportKind.WEEKLY, week["start"])
    client = client_for(commissioner)
    response = client.get(report.get_absolute_url())
    content = response.content.decode()
    assert response["Cache-Control"].count("no-store") == 1
    assert "71.4% of the commitment met, from 2 checked reports" in content
    chart_url = reverse("reports:document-chart", args=[report.pk, "areas"])
    assert f'<img class="report-chart" src="{chart_url}" alt="Bar chart of the share of the commitment met' in content
    assert "<caption>By commitment area (95% Wilson intervals on the number of visits)</caption>" in content
    chart = client.get(chart_url)
    assert (
        chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content and "no-store" in chart["Cache-Control"]
    )
    assert client.get(reverse("reports:document-chart", args=[report.pk, "pie"])).status_code == 404
    pdf = client.get(reverse("reports:document-pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert f'filename="{report.file_name("pdf")}"' in pdf["Content-Disposition"] and "no-store" in pdf["Cache-Control"]
    table = client.get(reverse("reports:document-csv", args=[report.pk]))
    assert "attachment" in table["Content-Disposition"] and "no-store" in table["Cache-Control"]


def test_the_list_runs_the_same_number_of_queries_for_any_number_of_reports(
    client_for, coordinator, commissioner, django_assert_num_queries
):
    client = client_for(coordinator)
    GeneratedReport.objects.create(kind=ReportKind.PANEL, period_start=date(2026, 1, 1), requested_by=commissioner)
    client.get(reverse("reports:document-list"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reports:document-list"))
    monday = date(2026, 1, 5)
    GeneratedReport.objects.bulk_create(
        GeneratedReport(kind=ReportKind.WEEKLY, period_start=monday + timedelta(weeks=n), requested_by=coordinator)
        for n in range(20)
    )
    with django_assert_num_queries(len(one.captured_queries)):
        content = client.get(reverse("reports:document-list")).content.decode()
    assert content.count("Weekly scrutiny report, week of") == 20


@pytest.mark.parametrize("name", ["document-detail", "document-pdf", "document-csv", "document-status"])
def test_volunteers_and_the_force_are_refused_an_unreleased_report(name, client_for, volunteer, force_liaison, client):
    report = GeneratedReport.objects.create(kind=ReportKind.PANEL, period_start=date(2026, 7, 1))
    url = reverse(f"reports:{name}", args=[report.pk])
    assert client.get(url).status_code == 302 and "/accounts/login/" in client.get(url).url
    assert client_for(volunteer).get(url).status_code == 403
    assert client_for(force_liaison).get(url).status_code == 404
    assert not GeneratedReport.objects.visible_to(force_liaison).exists()
    assert client_for(volunteer).get(reverse("reports:document-list")).status_code == 403


def test_the_force_reads_reports_of_released_periods_only(client_for, force_liaison, commissioner):
    from reports.models import GenerationStatus, Release

    def ready(kind, start):
        return GeneratedReport.objects.create(
            kind=kind,
            period_start=start,
            status=GenerationStatus.READY,
            content=documents.content(kind=kind, start=start),
        )

    panel, later = ready(ReportKind.PANEL, date(2026, 4, 1)), ready(ReportKind.PANEL, date(2026, 7, 1))
    inside, straddling = ready(ReportKind.WEEKLY, date(2026, 5, 4)), ready(ReportKind.WEEKLY, date(2026, 6, 29))
    assert not GeneratedReport.objects.visible_to(force_liaison).exists()
    Release.objects.create(period_start=date(2026, 4, 1), released_by=commissioner)
    # The week of 29 June runs into July, which is not released.
    assert set(GeneratedReport.objects.visible_to(force_liaison)) == {panel, inside}
    Release.objects.create(period_start=date(2026, 7, 1), released_by=commissioner)
    assert set(GeneratedReport.objects.visible_to(force_liaison)) == {panel, inside, straddling, later}
    page = client_for(force_liaison).get(reverse("reports:document-list")).content.decode()
    assert "Make a weekly scrutiny report" not in page and "/reports/documents/request/" not in page
    detail = client_for(force_liaison).get(reverse("reports:document-detail", args=[inside.pk]))
    assert detail.status_code == 200 and "Make it again" not in detail.content.decode()


def test_only_the_opcc_can_ask_for_a_report_and_only_by_post(client_for, coordinator, force_liaison, volunteer):
    url = reverse("reports:document-request")
    data = {"kind": "panel", "period": "2026-07-01"}
    assert client_for(coordinator).get(url).status_code == 405
    for user in (force_liaison, volunteer):
        assert client_for(user).post(url, data).status_code == 403
    report = GeneratedReport.objects.create(kind=ReportKind.PANEL, period_start=date(2026, 7, 1))
    make_again = reverse("reports:document-make-again", args=[report.pk])
    assert client_for(coordinator).get(make_again).status_code == 405
    assert client_for(force_liaison).post(make_again).status_code == 403
    assert not GeneratedReport.objects.exclude(pk=report.pk).exists()


# --- The schedule -----------------------------------------------------------------------


def test_every_monday_the_commissioner_is_sent_last_weeks_report(week, commissioner, sent_email):
    sent_email().clear()  # the bookings' e-mails
    monday = after(PeriodKind.WEEK, week["start"], hour=7)
    with time_machine.travel(monday):
        tasks.send_scheduled_reports("weekly")
        tasks.send_scheduled_reports("weekly")  # run twice: sent once
    mailoutbox = sent_email()
    report = GeneratedReport.objects.get(kind=ReportKind.WEEKLY)
    assert (report.period_start, report.requested_by, report.status) == (week["start"], None, GenerationStatus.READY)
    # Each commissioner (the fixture's, and those who approved the scenarios) gets one, once.
    assert sorted(message.to[0] for message in mailoutbox) == services.commissioner_emails()
    assert commissioner.email in services.commissioner_emails() and len(mailoutbox) == 3
    message = next(message for message in mailoutbox if message.to == [commissioner.email])
    assert message.subject == f"Weekly scrutiny report: {report.period_label}"
    names = {name: (content, mimetype) for name, content, mimetype in message.attachments}
    assert set(names) == {report.file_name("pdf"), report.file_name("csv")}
    assert (
        names[report.file_name("pdf")][0].startswith(b"%PDF") and names[report.file_name("pdf")][1] == "application/pdf"
    )
    assert "71.4" in names[report.file_name("csv")][0]


def test_at_the_start_of_a_quarter_the_commissioner_is_sent_the_panel_report(week, commissioner, sent_email):
    sent_email().clear()  # the bookings' e-mails
    with time_machine.travel(after(PeriodKind.QUARTER, week["quarter"], hour=7)):
        tasks.send_scheduled_reports("panel")
    mailoutbox = sent_email()
    report = GeneratedReport.objects.get(kind=ReportKind.PANEL)
    assert report.period_start == week["quarter"]
    assert {message.subject for message in mailoutbox} == {f"Police and Crime Panel report: {report.period_label}"}
    assert [commissioner.email] in [message.to for message in mailoutbox]


def test_a_report_already_made_is_sent_as_it_is(week, coordinator, commissioner, sent_email):
    sent_email().clear()  # the bookings' e-mails
    report = made(ReportKind.WEEKLY, week["start"])
    assert sent_email() == [], "asked for by a person: not e-mailed"
    with time_machine.travel(after(PeriodKind.WEEK, week["start"], hour=7)):
        tasks.send_scheduled_reports("weekly")
    mailoutbox = sent_email()
    assert GeneratedReport.objects.get(pk=report.pk).finished_at == report.finished_at
    assert len(mailoutbox) == len(services.commissioner_emails())


def test_the_schedule_is_in_the_settings(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["weekly-scrutiny-report"]["kwargs"] == {"kind": "weekly"}
    assert schedule["police-and-crime-panel-report"]["kwargs"] == {"kind": "panel"}
    assert schedule["weekly-scrutiny-report"]["task"] == "reports.send_scheduled_reports"


# --- Real worker and real browser ---------------------------------------------------------


@pytest.fixture
def shared_media(private_media, monkeypatch):
    """The worker process writes files where this process reads them."""
    monkeypatch.setenv("DJANGO_PRIVATE_MEDIA_ROOT", str(private_media))
    return private_media


@pytest.mark.celery_worker
def test_a_real_worker_makes_a_report_asked_for_on_the_page(shared_media, celery_worker, client_for, coordinator):
    report_day = approved_report(coordinator)
    wait_until(lambda: not Submission.objects.get(pk=report_day.pk).needs_rollup)
    start = period_start(PeriodKind.WEEK, timezone_date(report_day.assignment.visit.starts_at))
    with time_machine.travel(after(PeriodKind.WEEK, start), tick=True):
        client = client_for(coordinator)
        response = client.post(reverse("reports:document-request"), {"kind": "weekly", "period": start.isoformat()})
        report = GeneratedReport.objects.get()
        assert response.url == report.get_absolute_url()
        wait_until(lambda: GeneratedReport.objects.get(pk=report.pk).status == GenerationStatus.READY)
        assert "1 checked report" in client.get(report.get_absolute_url()).content.decode()
        assert client.get(reverse("reports:document-pdf", args=[report.pk])).status_code == 200


def test_the_report_pages_are_accessible(browser, client_for, coordinator, week):
    ready = made(ReportKind.WEEKLY, week["start"])
    waiting = GeneratedReport.objects.create(
        kind=ReportKind.PANEL, period_start=date(2020, 1, 1), status=GenerationStatus.RUNNING, progress=30,
        step="Writing the CSV",
    )  # fmt: skip
    browser_sign_in(browser, client_for(coordinator))
    pages = [reverse("reports:document-list"), ready.get_absolute_url(), waiting.get_absolute_url()]
    assert accessibility_problems(browser, pages) == {}
    browser.get(browser.base_url + ready.get_absolute_url())
    images = browser.find_elements("css selector", "img.report-chart")
    assert len(images) == 4
    # Each chart loaded and drew (an image that failed to load has no natural width).
    assert all(browser.execute_script("return arguments[0].naturalWidth", image) > 0 for image in images)


def test_the_page_follows_progress_and_shows_the_report_once_ready(browser, client_for, coordinator, week):
    from selenium.webdriver.support.ui import WebDriverWait

    report = GeneratedReport.objects.create(
        kind=ReportKind.WEEKLY, period_start=week["start"], status=GenerationStatus.QUEUED
    )
    browser_sign_in(browser, client_for(coordinator))
    browser.get(browser.base_url + report.get_absolute_url())
    status = wait_for(browser, "[data-document-step]")
    assert status.text.startswith("Waiting to start")
    GeneratedReport.objects.filter(pk=report.pk).update(
        status=GenerationStatus.RUNNING, progress=30, step="Writing the CSV"
    )
    WebDriverWait(browser, PATIENCE).until(lambda b: "Writing the CSV (30% done)" in status.text)
    assert browser.find_element("css selector", "progress").get_attribute("value") == "30"
    assert services.generate_report(report_id=report.pk) is False, "a report being made is not claimed twice"
    GeneratedReport.objects.filter(pk=report.pk).update(status=GenerationStatus.QUEUED)  # let this test make it
    assert services.generate_report(report_id=report.pk)
    pdf_link = f"a[href='{reverse('reports:document-pdf', args=[report.pk])}']"
    WebDriverWait(browser, PATIENCE).until(lambda b: b.find_elements("css selector", pdf_link))


def test_a_report_asked_for_on_a_welsh_page_is_made_in_welsh(week, coordinator, client_for, settings):
    """The report is written in the language of the page it was asked for on (issue 21)."""
    settings.MYSTERYSHOP_WELSH, settings.LANGUAGES = True, BOTH
    with translation.override("cy"):
        url = reverse("reports:document-request")
    assert url.startswith("/cy/")
    with time_machine.travel(after(PeriodKind.WEEK, week["start"])):
        client_for(coordinator).post(url, {"kind": "weekly", "period": week["start"].isoformat()})
    report = GeneratedReport.objects.get()
    assert report.language == "cy"
    if report.status != GenerationStatus.READY:  # with a broker, the worker is not running in this test
        assert services.generate_report(report_id=report.pk)
    report.refresh_from_db()
    assert report.content["title"] == "Adroddiad craffu wythnosol"
    assert report.content["review_text"] == "Nid oes unrhyw adroddiad o’r wythnos hon yn aros am adolygiad."
    assert {area["status_words"] for area in report.content["areas"]} <= {"gwyrdd", "oren", "coch", "aneglur"}
    header = next(csv.reader(io.StringIO(report.csv.open("rb").read().decode("utf-8-sig"))))
    assert header[:3] == ["adran", "label", "adroddiadau"]
    text = "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert "Fe’i gwnaed ar" in text and "Made on" not in text
    # Its steps are kept in English and shown in the reader's language.
    assert report.step == "Ready"
    # Asked for again on a Welsh page, the Welsh report is given as it is; on an English page, it is made again.
    with time_machine.travel(after(PeriodKind.WEEK, week["start"])):
        client_for(coordinator).post(url, {"kind": "weekly", "period": week["start"].isoformat()})
        report.refresh_from_db()
        assert (report.language, report.status) == ("cy", GenerationStatus.READY)
        with translation.override("en-gb"):
            english_url = reverse("reports:document-request")
        client_for(coordinator).post(english_url, {"kind": "weekly", "period": week["start"].isoformat()})
    report.refresh_from_db()
    assert report.language == "en-gb" and report.status != GenerationStatus.FAILED
    if report.status != GenerationStatus.READY:
        assert services.generate_report(report_id=report.pk)
        report.refresh_from_db()
    assert report.content["review_text"].startswith("No report of this week")
    with time_machine.travel(after(PeriodKind.WEEK, week["start"])):
        client_for(coordinator).post(url, {"kind": "weekly", "period": week["start"].isoformat()})
    report.refresh_from_db()
    assert report.language == "cy"
    if report.status != GenerationStatus.READY:
        assert services.generate_report(report_id=report.pk)
        report.refresh_from_db()
    # Made again from an English page, it is made in English.
    with translation.override("en-gb"):
        again = reverse("reports:document-make-again", args=[report.pk])
    response = client_for(coordinator).post(again)
    report.refresh_from_db()
    assert response.status_code == 302, (again, response.status_code)
    assert report.language == "en-gb"


def test_a_scheduled_report_is_in_the_language_the_commissioners_chose(week, commissioner, settings):
    settings.MYSTERYSHOP_WELSH, settings.LANGUAGES = True, BOTH
    commissioners = type(commissioner).objects.filter(groups__name="Commissioner")
    assert commissioner in commissioners
    commissioners.update(language="cy")
    with time_machine.travel(after(PeriodKind.WEEK, week["start"]), tick=False):
        report = services.send_scheduled_report(kind=ReportKind.WEEKLY)
    report.refresh_from_db()
    assert report.language == "cy"
    assert report.content["review_text"].startswith("Nid oes unrhyw adroddiad")


def test_the_progress_of_a_report_is_shown_in_the_readers_language(client_for, commissioner, settings):
    settings.MYSTERYSHOP_WELSH, settings.LANGUAGES = True, BOTH
    report = GeneratedReport.objects.create(
        kind=ReportKind.PANEL, period_start=date(2026, 7, 1), status=GenerationStatus.RUNNING, progress=45,
        step="Drawing the charts",
    )  # fmt: skip
    client = client_for(commissioner)
    with translation.override("cy"):
        status_url = reverse("reports:document-status", args=[report.pk])
        page_url = report.get_absolute_url()
    assert status_url.startswith("/cy/")
    assert client.get(status_url).json()["step"] == "Llunio’r siartiau"
    assert "Llunio’r siartiau" in client.get(page_url).content.decode()
