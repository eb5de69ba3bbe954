"""Pages are sent gzipped to browsers that ask for it; downloads (CSV, streamed files) still arrive whole."""

import csv
import gzip
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports import rollups
from reports.models import PeriodKind, ReportKind
from reports.tests.test_documents import made, private_media  # noqa: F401 (fixture)
from reports.tests.test_rollups import approved_report


def test_gzip_runs_outside_every_middleware_that_reads_or_writes_the_body():
    middleware = settings.MIDDLEWARE
    gzip_at = middleware.index("django.middleware.gzip.GZipMiddleware")
    # Only the metrics timer sits outside it: it measures the time, it never reads the body.
    assert middleware[:gzip_at] == ["django_prometheus.middleware.PrometheusBeforeMiddleware"]


def test_a_page_is_gzipped_when_the_browser_asks(client_for, commissioner):
    client = client_for(commissioner)
    page = client.get(reverse("reports:commissioner-home"), headers={"accept-encoding": "gzip, deflate, br"})
    assert page.status_code == 200
    assert page["Content-Encoding"] == "gzip" and "Accept-Encoding" in page["Vary"]
    assert b"Commissioner's dashboard" in gzip.decompress(page.content)


def test_a_page_is_sent_plain_to_a_client_that_does_not_ask(client_for, commissioner):
    page = client_for(commissioner).get(reverse("reports:commissioner-home"))
    assert not page.has_header("Content-Encoding") and b"Commissioner's dashboard" in page.content


def test_a_csv_export_still_opens_when_gzipped(client_for, coordinator):
    response = client_for(coordinator).get(reverse("volunteers:expense-export"), headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header and all(header)


def test_a_streamed_download_still_arrives_whole_when_gzipped(client_for, coordinator):
    submission = approved_report(coordinator, greeted=True)
    rollups.rebuild()
    day = timezone.localtime(submission.assignment.visit.starts_at).date()
    report = made(ReportKind.PANEL, rollups.period_start(PeriodKind.QUARTER, day))
    response = client_for(coordinator).get(
        reverse("reports:document-csv", args=[report.pk]), headers={"accept-encoding": "gzip"}
    )
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    with report.csv.open("rb") as handle:
        assert body == handle.read()
