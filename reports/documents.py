"""The weekly scrutiny report and the Police and Crime Panel report: content, CSV and PDF.

The content is read from the roll-up tables only (through `reports.dashboard`),
never from raw answers, and kept with the report as plain data, so the page,
the CSV and the PDF show the same figures however the roll-ups change later.

Periods: the weekly scrutiny report covers one complete week, Monday to Sunday
(the roll-ups' weeks start on Monday), and the one sent on the schedule is the
week that ended the day before; the panel report covers one calendar quarter.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext_lazy

from mysteryshop import spreadsheets

from . import charts, dashboard, released
from .models import ReportKind, Retest
from .periods import PeriodKind, period_end, period_label, period_start

CSV_HEADER = [
    gettext_lazy("section"), gettext_lazy("label"), gettext_lazy("reports"), gettext_lazy("weight met"),
    gettext_lazy("weight applicable"), gettext_lazy("score %"), gettext_lazy("status"), gettext_lazy("visits (n)"),
    # xgettext:no-python-format
    gettext_lazy("95% interval low %"),
    # xgettext:no-python-format
    gettext_lazy("95% interval high %"),
]  # fmt: skip


class DocumentError(Exception):
    """A report could not be made, with a message a person can act on."""


# --- Periods -----------------------------------------------------------------------


def last_complete_period(kind: str, today: date) -> date:
    """The first day of the latest week or quarter that has ended before `today`."""
    unit = ReportKind(kind).period_kind
    return period_start(unit, period_start(unit, today) - timedelta(days=1))


def complete_periods(kind: str, *, today: date, count: int | None = None) -> list[date]:
    """The latest complete periods of a report, newest first (13 weeks or 8 quarters unless `count`)."""
    unit = ReportKind(kind).period_kind
    count = count or (13 if unit == PeriodKind.WEEK else 8)
    starts = [last_complete_period(kind, today)]
    while len(starts) < count:
        starts.append(period_start(unit, starts[-1] - timedelta(days=1)))
    return starts


def is_complete_period(kind: str, start: date, *, today: date) -> bool:
    unit = ReportKind(kind).period_kind
    return start == period_start(unit, start) and period_end(unit, start) <= today


# --- Content -------------------------------------------------------------------------


def _figure(figure: dashboard.Figure) -> dict:
    return {
        "label": figure.label,
        "reports": figure.reports,
        "weight_met": figure.weight_met,
        "weight_applicable": figure.weight_applicable,
        "score": figure.score,
        "status": figure.status,
        "status_words": dashboard.status_word(figure.status),
        "visits": figure.visits,
        "interval_low": figure.interval_low,
        "interval_high": figure.interval_high,
    }


def _review_text(force: dashboard.Figure, waiting: int, unit: str) -> str:
    """What is still to come into the figures: the reports of the period that wait for review."""
    words = PERIOD_WORDS[unit if unit in PERIOD_WORDS else PeriodKind.QUARTER]
    text = words["waiting"] % {"count": waiting} if waiting else str(words["none_waiting"])
    return text if force.score is not None else gettext("No checked reports yet. %(text)s") % {"text": text}


def _trend_text(force: dashboard.Figure, previous: dashboard.Figure, trend: float | None, unit: str) -> str:
    words = PERIOD_WORDS[unit if unit in PERIOD_WORDS else PeriodKind.QUARTER]
    if force.score is None:
        return str(words["nothing"])
    if trend is None:
        return str(words["no_results"])
    values = {"points": f"{abs(trend):g}", "score": f"{previous.score:g}"}
    if trend > 0:
        return words["up"] % values
    if trend < 0:
        return words["down"] % values
    return words["same"] % values


# Whole sentences for each kind of period: Welsh "wythnos" (a week) is feminine, "mis" and "chwarter" are not,
# so the words around them differ.
PERIOD_WORDS = {
    PeriodKind.WEEK: {
        "waiting": ngettext_lazy(
            "%(count)s report of this week still waits for review: it counts once approved.",
            "%(count)s reports of this week still wait for review: they count once approved.",
            "count",
        ),
        "none_waiting": gettext_lazy("No report of this week waits for review."),
        "nothing": gettext_lazy("Nothing to compare with the previous week yet."),
        "no_results": gettext_lazy("No results for the previous week to compare with."),
        "unreleased": gettext_lazy("No comparison with the previous week: its results are not released."),
        "up": gettext_lazy("Up %(points)s points on the previous week (%(score)s%%)."),
        "down": gettext_lazy("Down %(points)s points on the previous week (%(score)s%%)."),
        "same": gettext_lazy("No change on the previous week (%(score)s%%)."),
    },
    PeriodKind.MONTH: {
        "waiting": ngettext_lazy(
            "%(count)s report of this month still waits for review: it counts once approved.",
            "%(count)s reports of this month still wait for review: they count once approved.",
            "count",
        ),
        "none_waiting": gettext_lazy("No report of this month waits for review."),
        "nothing": gettext_lazy("Nothing to compare with the previous month yet."),
        "no_results": gettext_lazy("No results for the previous month to compare with."),
        "unreleased": gettext_lazy("No comparison with the previous month: its results are not released."),
        "up": gettext_lazy("Up %(points)s points on the previous month (%(score)s%%)."),
        "down": gettext_lazy("Down %(points)s points on the previous month (%(score)s%%)."),
        "same": gettext_lazy("No change on the previous month (%(score)s%%)."),
    },
    PeriodKind.QUARTER: {
        "waiting": ngettext_lazy(
            "%(count)s report of this quarter still waits for review: it counts once approved.",
            "%(count)s reports of this quarter still wait for review: they count once approved.",
            "count",
        ),
        "none_waiting": gettext_lazy("No report of this quarter waits for review."),
        "nothing": gettext_lazy("Nothing to compare with the previous quarter yet."),
        "no_results": gettext_lazy("No results for the previous quarter to compare with."),
        "unreleased": gettext_lazy("No comparison with the previous quarter: its results are not released."),
        "up": gettext_lazy("Up %(points)s points on the previous quarter (%(score)s%%)."),
        "down": gettext_lazy("Down %(points)s points on the previous quarter (%(score)s%%)."),
        "same": gettext_lazy("No change on the previous quarter (%(score)s%%)."),
    },
}


def content(*, kind: str, start: date) -> dict:
    """Everything one report shows, read from the roll-up tables, as plain data to keep with the report."""
    kind = ReportKind(kind)
    unit = kind.period_kind
    results = dashboard.dashboard(start=start, kind=unit)
    previous_start = dashboard.previous_period(unit, start)
    timings = []
    for timing in results["timings"]:
        timings.append(
            {
                "question": timing["label"],
                "questionnaire": timing["questionnaire"],
                "target": timing["target"],
                "lines": [
                    {
                        "label": period_label(unit, line.month, with_dates=True) if unit == PeriodKind.WEEK else date_format(line.month, "F Y"),
                        "count": line.count, "median": line.median, "p90": line.p90, "too_few": line.too_few,
                        "within_target": line.within_target,
                        "within_low": line.within_interval[0] if line.within_interval else None,
                        "within_high": line.within_interval[1] if line.within_interval else None,
                    }
                    for line in timing["months"]
                ],
            }
        )  # fmt: skip
    return plain(
        {
            "kind": kind.value,
            "title": kind.label,
            "period": period_label(unit, start, with_dates=True),
            "period_start": start.isoformat(),
            "previous_period": period_label(unit, previous_start, with_dates=True),
            "thresholds": {
                "green_from": settings.MYSTERYSHOP_GREEN_FROM,
                "amber_from": settings.MYSTERYSHOP_AMBER_FROM,
            },
            "force": _figure(results["force"]),
            "previous": _figure(results["previous"]),
            "trend": results["trend"],
            "trend_text": _trend_text(results["force"], results["previous"], results["trend"], unit),
            "review_text": _review_text(results["force"], dashboard.reports_waiting(kind=unit, start=start), unit),
            "areas": [_figure(figure) for figure in results["areas"]],
            "channels": [_figure(figure) for figure in results["channels"]],
            "league": [_figure(figure) for figure in results["league"]],
            "unranked": [_figure(figure) for figure in results["unranked"]],
            "min_visits": settings.MYSTERYSHOP_MIN_VISITS_TO_JUDGE,
            "timings": timings,
        }
        | ({"retests": retest_results(start)} if kind == ReportKind.PANEL else {})
    )


def plain(value):
    """Data to keep as JSON: translatable labels written out as text, in the language active now."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def retest_results(start: date) -> list[dict]:
    """For the panel: findings re-tested by a visit in the quarter, with the result the OPCC decided."""
    tz = timezone.get_current_timezone()
    first = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(period_end(PeriodKind.QUARTER, start), datetime.min.time(), tzinfo=tz)
    retests = (
        Retest.objects.exclude(result="")
        .filter(visit__starts_at__gte=first, visit__starts_at__lt=end)
        .select_related("finding__contact_point")
        .order_by("finding__contact_point__name", "finding__title", "pk")
    )
    return [
        {
            "finding": retest.finding.title,
            "contact_point": retest.finding.contact_point.name if retest.finding.contact_point else "",
            "result": retest.get_result_display(),
            "note": retest.result_note,
        }
        for retest in retests
    ]


def as_released(content: dict) -> dict:
    """A report's content as force liaison may read it: the same, but without the previous period's
    figure and the change on it unless that period is wholly released too (`released.period_released`).

    Returns `content` itself when nothing needs taking out, so the files kept with the report can be
    served as they are."""
    unit = ReportKind(content["kind"]).period_kind
    before = dashboard.previous_period(unit, date.fromisoformat(content["period_start"]))
    if released.period_released(unit, before):
        return content
    return {
        **content,
        "previous": None,
        "previous_period": "",
        "trend": None,
        "trend_text": str(PERIOD_WORDS[unit]["unreleased"]),
    }


def with_charts(content: dict, source) -> dict:
    """The content with each chart placed beside its table: `source(name)` gives the image's address."""
    found = {
        chart.name: {"title": chart.title, "alt": chart.alt, "src": source(chart.name)}
        for chart in charts.chart_list(content)
    }
    return {
        **content,
        "areas_chart": found.get("areas"),
        "channels_chart": found.get("channels"),
        "timings": [
            {**timing, "chart": found.get(f"timing-{number}")} for number, timing in enumerate(content["timings"])
        ],
    }


# --- CSV ---------------------------------------------------------------------------


def _blank(value):
    return "" if value is None else value


def csv_rows(content: dict) -> list[list]:
    """One tidy table: a row per figure, with its section."""
    sections = [
        (gettext("Force-wide"), [{**content["force"], "label": content["period"]}]),
        # (Left out of the force's copy when the previous period is not released: `as_released`.)
        (
            gettext("Previous period"),
            [{**content["previous"], "label": content["previous_period"]}] if content["previous"] else [],
        ),
        (gettext("Commitment area"), content["areas"]),
        (gettext("Channel"), content["channels"]),
        # Reports kept before intervals were shown have no "unranked" list and no visit counts.
        (gettext("Contact point"), content["league"] + content.get("unranked", [])),
    ]
    rows = [[str(name) for name in CSV_HEADER]]
    for section, figures in sections:
        for figure in figures:
            rows.append(
                [
                    section, figure["label"], figure["reports"], figure["weight_met"], figure["weight_applicable"],
                    "" if figure["score"] is None else figure["score"], figure.get("status_words", figure["status"]),
                    figure.get("visits", ""), _blank(figure.get("interval_low")), _blank(figure.get("interval_high")),
                ]
            )  # fmt: skip
    return rows


def csv_bytes(content: dict) -> bytes:
    """The CSV file, written by the project's one CSV writer (labels are typed by people: never a formula)."""
    return spreadsheets.csv_bytes(csv_rows(content))


# --- PDF ---------------------------------------------------------------------------


def draw_charts(content: dict) -> dict[str, str]:
    """Every chart of a report, as SVG text by name."""
    return {chart.name: charts.draw(content, chart.name) for chart in charts.chart_list(content)}


def pdf_html(content: dict, *, svgs: dict[str, str], made_at: datetime) -> str:
    """The HTML WeasyPrint turns into the PDF, with the charts inline as data URIs."""

    def data_uri(name: str) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(svgs[name].encode()).decode()

    return render_to_string(
        f"reports/documents/{content['kind']}_pdf.html",
        {
            "report": with_charts(content, data_uri),
            "made_at": made_at,
            "scheme_name": settings.MYSTERYSHOP_SCHEME_NAME,
            "force_name": settings.MYSTERYSHOP_FORCE_NAME,
        },
    )


def pdf_bytes(content: dict, *, svgs: dict[str, str], made_at: datetime) -> bytes:
    """The PDF file. WeasyPrint needs Pango from Debian; without it this says so instead of crashing."""
    return html_pdf(pdf_html(content, svgs=svgs, made_at=made_at))


def html_pdf(html: str) -> bytes:
    """Any of the project's PDF documents from its HTML, with the documents' stylesheet."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise DocumentError(
            gettext_noop(
                "PDFs cannot be made on this server: WeasyPrint could not load the libraries it needs. "
                "Ask the system administrator to install the Debian packages libpango-1.0-0, libpangoft2-1.0-0, "
                "libharfbuzz-subset0 and fonts-dejavu-core, then make the report again."
            )
        ) from error
    # The document refers only to its own inline charts: nothing is fetched from a network or disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    stylesheet = CSS(string=render_to_string("reports/documents/pdf.css"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
