"""What the commissioner's dashboard shows, read from the roll-up tables only (never raw answers)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from mysteryshop.bilingual import shown_in_sql
from scenarios.models import Channel, CommitmentArea, ContactPoint, PolicingArea, Question, Questionnaire
from visits.models import Submission, Visit, VisitStatus

from . import released
from .models import Appeal, AppealStatus, ForceFigure, Quote, Release, RollupRow
from .periods import PeriodKind, period_end, period_label, period_start, quarter_label
from .statistics import percent_interval

QUOTES_SHOWN = 3


TOO_FEW = "too few visits to judge"
UNCLEAR = "unclear"


# The words for each status (the status itself is a key: kept in reports' data and CSS classes).
STATUS_WORDS = {
    "green": gettext_lazy("green"),
    "amber": gettext_lazy("amber"),
    "red": gettext_lazy("red"),
    "unclear": gettext_lazy("unclear"),
    "no data": gettext_lazy("no data"),
    TOO_FEW: gettext_lazy("too few visits to judge"),
}


def status_word(status: str) -> str:
    """A status in words, in the active language (an unknown one as it is)."""
    return str(STATUS_WORDS.get(status, status))


@dataclass
class Figure:
    label: str
    reports: int = 0
    weight_met: int = 0
    weight_applicable: int = 0
    key: object = None
    policing_area: str = ""
    visits: int = 0
    # Contact points are judged only on enough visits (MYSTERYSHOP_MIN_VISITS_TO_JUDGE).
    needs_enough_visits: bool = False

    @property
    def score(self) -> float | None:
        return round(100 * self.weight_met / self.weight_applicable, 1) if self.weight_applicable else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% Wilson score interval of the score, in per cent, on the number of visits."""
        return percent_interval(self.score, self.visits)

    @property
    def interval_low(self) -> float | None:
        return self.interval[0] if self.interval else None

    @property
    def interval_high(self) -> float | None:
        return self.interval[1] if self.interval else None

    @property
    def too_few_visits(self) -> bool:
        return self.visits < settings.MYSTERYSHOP_MIN_VISITS_TO_JUDGE

    @property
    def status(self) -> str:
        """Red, amber or green against the scheme's thresholds (a contact point with too few visits: neither)."""
        if self.score is None:
            return "no data"
        if self.needs_enough_visits and self.too_few_visits:
            return TOO_FEW
        if self.score >= settings.MYSTERYSHOP_GREEN_FROM:
            return "green"
        return "amber" if self.score >= settings.MYSTERYSHOP_AMBER_FROM else "red"

    @property
    def status_label(self) -> str:
        """The status in words, in the page's language."""
        return status_word(self.status)

    @property
    def verdict_label(self) -> str:
        return status_word(self.verdict)

    @property
    def verdict(self) -> str:
        """The status, or "unclear" when the 95% interval reaches both sides of the amber or the green
        threshold: the visits cannot yet say which colour the commitment area is."""
        if self.status in {"green", "amber", "red"} and self.interval:
            low, high = self.interval
            thresholds = (settings.MYSTERYSHOP_AMBER_FROM, settings.MYSTERYSHOP_GREEN_FROM)
            if any(low < threshold <= high for threshold in thresholds):
                return UNCLEAR
        return self.status

    def add(self, reports: int, visits: int, weight_met: int, weight_applicable: int) -> None:
        self.reports += reports
        self.visits += visits
        self.weight_met += weight_met
        self.weight_applicable += weight_applicable


@dataclass
class Quarter:
    start: date
    released: bool

    @property
    def label(self) -> str:
        return quarter_label(self.start)

    @property
    def has_ended(self) -> bool:
        return period_end(PeriodKind.QUARTER, self.start) <= timezone.localdate()


def quarters_with_results(*, released_only: bool = False) -> list[Quarter]:
    """Quarters with checked reports, newest first, each saying whether it is released (one query)."""
    rows = RollupRow.objects.filter(period_kind=PeriodKind.QUARTER, area_id=0, question_id=0)
    if released_only:
        rows = rows.filter(period_start__in=Release.objects.values("period_start"))
    starts = (
        rows.values("period_start")
        .annotate(released=Exists(Release.objects.filter(period_start=OuterRef("period_start"))))
        .order_by("-period_start")
        .distinct()
    )
    return [Quarter(row["period_start"], row["released"]) for row in starts]


def previous_period(kind: str, start: date) -> date:
    return period_start(kind, date.fromordinal(start.toordinal() - 1))


def previous_quarter(start: date) -> date:
    return previous_period(PeriodKind.QUARTER, start)


def percentile(values: list[int], share: float) -> float | None:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class Timing:
    month: date
    count: int
    median: float | None
    p90: float | None
    within_target: float | None
    mean: float | None = None

    @property
    def too_few(self) -> bool:
        """Too few answers for a median or percentile to mean anything (they are then None)."""
        return self.count < settings.MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES

    @property
    def within_interval(self) -> tuple[float, float] | None:
        """95% Wilson interval of the share within target, on the number timed (one per report)."""
        return percent_interval(self.within_target, self.count)


def timings(*, start: date, policing_area_id: int | None = None, kind: str = PeriodKind.QUARTER) -> list[dict]:
    """For each timed question (such as the 101 line's time to answer): month by month, the median,
    90th percentile and share within the question's target, from the roll-up rows' durations. The
    median, percentile and mean are None from fewer than MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES answers.
    A week has no months: its one line is the week itself (`month` is then the Monday). One query."""
    if kind == PeriodKind.WEEK:
        rows = RollupRow.objects.filter(period_kind=kind, period_start=start, question_id__gt=0)
    else:
        rows = RollupRow.objects.filter(
            period_kind=PeriodKind.MONTH,
            period_start__gte=start,
            period_start__lt=period_end(kind, start),
            question_id__gt=0,
        )
    if policing_area_id:
        rows = rows.filter(policing_area_id=policing_area_id)
    question = Question.objects.filter(pk=OuterRef("question_id"))
    rows = rows.exclude(durations=[]).annotate(
        label=Subquery(question.annotate(shown=shown_in_sql("label")).values("shown")),
        target=Subquery(question.values("maximum")),
        questionnaire=Subquery(
            Questionnaire.objects.filter(versions__sections__questions=OuterRef("question_id"))
            .annotate(shown=shown_in_sql("title"))
            .values("shown")[:1]
        ),
        questionnaire_channel=Subquery(question.values("section__version__questionnaire__channel")),
        section_order=Subquery(question.values("section__order")),
        question_order=Subquery(question.values("order")),
    )
    merged: dict[tuple, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    positions: dict[tuple, tuple[int, int]] = {}
    fields = (
        "question_id", "label", "target", "questionnaire", "questionnaire_channel", "period_start", "durations",
        "section_order", "question_order",
    )  # fmt: skip
    for row in rows.values(*fields):
        target = int(row["target"]) if row["target"] else None
        key = (row["label"], row["questionnaire"], target, row["question_id"], row["questionnaire_channel"])
        merged[key][row["period_start"]].extend(row["durations"])
        positions[key] = (row["section_order"] or 0, row["question_order"] or 0)
    result = []
    for key, months in sorted(merged.items()):
        label, questionnaire, target, _, channel = key
        enough = settings.MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES
        lines = [
            Timing(
                month=month, count=len(values),
                median=percentile(values, 0.5) if len(values) >= enough else None,
                p90=percentile(values, 0.9) if len(values) >= enough else None,
                within_target=round(100 * sum(v <= target for v in values) / len(values), 1) if target else None,
                mean=round(sum(values) / len(values), 1) if len(values) >= enough else None,
            )
            for month, values in sorted(months.items())
        ]  # fmt: skip
        result.append(
            {
                "label": label, "questionnaire": questionnaire, "target": target, "months": lines, "channel": channel,
                "position": positions[key],
            }
        )  # fmt: skip
    return result


def quotes(*, start: date, policing_area_id: int | None = None, for_force: bool = False) -> dict[str, list[Quote]]:
    """The latest notable good practice and concerns of a quarter, from the roll-ups (one query).
    The force sees only text a reviewer has checked for names."""
    chosen = Quote.objects.filter(period_start=start)
    if policing_area_id:
        chosen = chosen.filter(policing_area_id=policing_area_id)
    if for_force:
        chosen = chosen.exclude(released_text="")
    found: dict[str, list[Quote]] = {"good_practice": [], "concern": []}
    for quote in chosen.order_by("-visit_day", "-answer_id")[:200]:
        if len(found.get(quote.notable, [None] * QUOTES_SHOWN)) < QUOTES_SHOWN:
            # The force sees the week of the visit (`released.visit_date`); the OPCC the day.
            day = quote.visit_day
            quote.when = released.visit_date(day) if for_force else f"{day.day} {day:%B %Y}"
            found[quote.notable].append(quote)
    return found


def visits_done(*, start: date, policing_area_id: int | None = None) -> dict[str, int]:
    """Visits made against visits planned in a quarter: for OPCC staff only, never the force."""
    tz = timezone.get_current_timezone()
    visits = Visit.objects.filter(
        starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        starts_at__lt=datetime.combine(period_end(PeriodKind.QUARTER, start), time.min, tzinfo=tz),
    )
    if policing_area_id:
        visits = visits.filter(contact_point__policing_area_id=policing_area_id)
    counts = visits.aggregate(
        planned=Count("pk", filter=~Q(status=VisitStatus.CANCELLED)),
        done=Count("pk", filter=Q(status=VisitStatus.COMPLETED)),
        missed=Count("pk", filter=Q(status=VisitStatus.MISSED)),
    )
    counts["to_come"] = counts["planned"] - counts["done"] - counts["missed"]
    counts["share_done"] = round(100 * counts["done"] / counts["planned"], 1) if counts["planned"] else None
    return counts


def reports_waiting(*, kind: str, start: date) -> int:
    """How many reports on visits of a period are sent in and still wait for a coordinator's review
    (so are not in its figures yet). One query, on reports, not answers."""
    tz = timezone.get_current_timezone()
    return (
        Submission.objects.awaiting_review()
        .filter(
            assignment__visit__starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
            assignment__visit__starts_at__lt=datetime.combine(period_end(kind, start), time.min, tzinfo=tz),
        )
        .order_by()
        .count()
    )


@dataclass
class Results:
    kind: str
    start: date
    force: Figure
    previous: Figure
    areas: list[Figure]
    channels: list[Figure]
    league: list[Figure]
    policing_areas: list[tuple[int, str]]
    timings: list[dict] = field(default_factory=list)
    # Contact points with too few visits to judge: listed, never ranked or coloured.
    unranked: list[Figure] = field(default_factory=list)
    force_figures: list[dict] = field(default_factory=list)

    @property
    def period(self) -> str:
        return period_label(self.kind, self.start)

    @property
    def period_ends(self) -> date:
        return period_end(self.kind, self.start)

    @property
    def trend(self) -> float | None:
        if self.force.score is None or self.previous.score is None:
            return None
        return round(self.force.score - self.previous.score, 1)

    def chart_content(self) -> dict:
        """The figures the page's charts draw (`reports.charts`, as the PDF's), in a report's content shape;
        the tables beside the charts hold the same figures."""

        def plain(figure: Figure) -> dict:
            return {
                "label": figure.label, "score": figure.score, "status": figure.status,
                "interval_low": figure.interval_low, "interval_high": figure.interval_high,
            }  # fmt: skip

        return {
            "thresholds": {
                "green_from": settings.MYSTERYSHOP_GREEN_FROM,
                "amber_from": settings.MYSTERYSHOP_AMBER_FROM,
            },
            "areas": [plain(figure) for figure in self.areas],
            "channels": [plain(figure) for figure in self.channels],
            "timings": [
                {
                    "question": timing["label"],
                    "target": timing["target"],
                    "lines": [
                        {"label": f"{line.month:%b %Y}", "median": line.median, "p90": line.p90}
                        for line in timing["months"]
                    ],
                }
                for timing in self.timings
            ],
        }

    def __getitem__(self, key: str):  # templates and documents may read it like a dict
        return getattr(self, key)


def dashboard(
    *, start: date, policing_area_id: int | None = None, kind: str = PeriodKind.QUARTER, for_force: bool = False
) -> Results:
    """The figures of one period (a quarter, or for the weekly report a week): force-wide with its
    trend, commitment areas, channels and the league of contact points, in two queries whatever
    the number of reports (three for the force). Rows of the whole force are read once and filtered
    here, so the policing areas with results come with them.

    `for_force`: the previous period's figure (and so the trend) only if that period is wholly
    released too (`released.period_released`); otherwise it is never added up at all."""
    before = previous_period(kind, start)
    compare = not for_force or released.period_released(kind, before)
    point = ContactPoint.objects.filter(pk=OuterRef("contact_point_id"))
    commitment = CommitmentArea.objects.filter(pk=OuterRef("area_id"))
    rows = (
        RollupRow.objects.filter(period_kind=kind, period_start__in=[start, before], question_id=0)
        .annotate(
            point_name=Subquery(point.values("name")),
            area_name=Subquery(PolicingArea.objects.filter(pk=OuterRef("policing_area_id")).values("name")),
            commitment_name=Subquery(commitment.annotate(shown=shown_in_sql("name")).values("shown")),
            commitment_order=Subquery(commitment.values("order")),
        )
        .values_list(
            "period_start", "contact_point_id", "point_name", "channel", "policing_area_id", "area_name", "area_id",
            "commitment_name", "commitment_order", "reports", "visits", "weight_met", "weight_applicable",
        )
    )  # fmt: skip
    force, previous = Figure("Force-wide"), Figure(f"Previous {PeriodKind(kind).label.lower()}")
    by_area: dict[int, Figure] = defaultdict(lambda: Figure(""))
    by_channel: dict[str, Figure] = {}
    by_point: dict[int, Figure] = {}
    policing_areas: dict[int, str] = {}
    commitment_areas: dict[int, tuple] = {}
    for started, point_id, point_name, channel, area_id, area_name, commitment_area, name, order, *totals in rows:
        if started == start:
            policing_areas[area_id] = area_name or gettext("Policing area")
        if policing_area_id and area_id != policing_area_id:
            continue
        if started != start:
            if not commitment_area and compare:
                previous.add(*totals)
            continue
        if commitment_area:
            by_area[commitment_area].add(*totals)
            commitment_areas[commitment_area] = (order or 0, name or gettext("Commitment area"))
            continue
        force.add(*totals)
        by_channel.setdefault(channel, Figure(channel)).add(*totals)
        figure = Figure(
            point_name or gettext("Contact point"),
            key=point_id,
            policing_area=area_name or "",
            needs_enough_visits=True,
        )
        by_point.setdefault(point_id, figure).add(*totals)
    # The commitment areas come with their rows (no query of their own): those with results this period.
    areas = []
    for pk, (_, name) in sorted(commitment_areas.items(), key=lambda item: item[1]):
        figure = by_area[pk]
        figure.label, figure.key = name, pk
        areas.append(figure)
    channels = []
    for value, label in Channel.choices:
        if value in by_channel:
            by_channel[value].label, by_channel[value].key = label, value
            channels.append(by_channel[value])
    timing_list = timings(start=start, policing_area_id=policing_area_id, kind=kind)
    league = sorted((f for f in by_point.values() if not f.too_few_visits), key=lambda f: (-(f.score or 0), f.label))
    unranked = sorted((f for f in by_point.values() if f.too_few_visits), key=lambda f: f.label)
    return Results(
        kind=kind, start=start, force=force, previous=previous, areas=areas, channels=channels, league=league,
        policing_areas=sorted(policing_areas.items(), key=lambda item: item[1]),
        timings=timing_list, unranked=unranked,
        force_figures=force_figures_beside(start=start, kind=kind, timing_list=timing_list),
    )  # fmt: skip


def force_figures_beside(*, start: date, kind: str, timing_list: list[dict]) -> list[dict]:
    """Month by month in a quarter, the force's own published 101 figures beside the volunteers' measured
    time to answer: the first timed question of a 101 line questionnaire in the order volunteers answer
    it ("Time until a person answered" comes before "Time spent in the phone menu"), not the first by
    name. One query."""
    if kind != PeriodKind.QUARTER:
        return []
    held = {
        figure.month: figure
        for figure in ForceFigure.objects.filter(month__gte=start, month__lt=period_end(kind, start))
    }
    measured: dict[date, Timing] = {}
    phone = [timing for timing in timing_list if timing.get("channel") == Channel.PHONE_101]
    question = min(phone, key=lambda timing: timing["position"])["label"] if phone else ""
    for timing in phone:
        if timing["label"] == question:
            measured.update({line.month: line for line in timing["months"]})
    return [
        {"month": month, "force": held.get(month), "measured": measured.get(month), "question": question}
        for month in sorted(held.keys() | measured.keys())
    ]


def _quarter_reports(*, contact_point: ContactPoint, start: date):
    tz = timezone.get_current_timezone()
    return Submission.objects.in_results().filter(
        assignment__visit__contact_point=contact_point,
        assignment__visit__starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        assignment__visit__starts_at__lt=datetime.combine(period_end(PeriodKind.QUARTER, start), time.min, tzinfo=tz),
    )


def reports_at(*, contact_point: ContactPoint, start: date) -> list[Submission]:
    """The approved reports of one quarter at one contact point, for the drill-down from the league
    table: for OPCC staff only, with volunteers and times (the force gets `released_reports_at`)."""
    return list(
        _quarter_reports(contact_point=contact_point, start=start)
        .select_related("assignment__visit__scenario", "assignment__volunteer")
        .order_by("assignment__visit__starts_at", "pk")
    )


@dataclass
class ReleasedReport:
    """One report as the force sees it in the drill-down: the week of the visit, the scenario and the score."""

    report_id: int
    when: str
    scenario: str
    score: object
    # The result's appeal, if any (the latest not withdrawn): the force sees where it stands, not a new form.
    appeal: object = None


def released_reports_at(*, contact_point: ContactPoint, start: date) -> list[ReleasedReport]:
    """The drill-down for force liaison: nothing unless the quarter is released; no names, no times, and
    the week rather than the day (`released.visit_date`), in an order that says nothing finer."""
    if not released.period_released(PeriodKind.QUARTER, start):
        return []
    reports = _quarter_reports(contact_point=contact_point, start=start).select_related("assignment__visit__scenario")
    rows = [
        (released.sort_key(report.assignment.visit.starts_at), report.assignment.visit.scenario.shown("title"), report)
        for report in reports
    ]
    rows.sort(key=lambda row: (row[0], row[1], row[2].overall_score is None, row[2].overall_score or 0, row[2].pk))
    appealed = (
        Appeal.objects.filter(submission__in=[report for *_, report in rows])
        .exclude(status=AppealStatus.WITHDRAWN)
        .order_by("raised_at")
    )
    latest = {appeal.submission_id: appeal for appeal in appealed}
    return [
        ReleasedReport(
            report.pk,
            released.visit_date(report.assignment.visit.starts_at),
            title,
            report.overall_score,
            latest.get(report.pk),
        )
        for _, title, report in rows
    ]
