"""Nothing of a period not released reaches force liaison, and released visits show their week, not their day.

A force with two contact points in two policing areas has checked reports in a quarter that
is not released (P) and in the next quarter, which is (R). The week before R's first whole
week reaches back into P, so it is not released either. Every figure of an unreleased period
— force-wide, per commitment area, contact point, policing area and channel, and every
difference between a released figure and an unreleased one (the trends) — is computed here
independently, from the answers, not through the roll-ups or the dashboard. Then everything
force liaison can reach is walked (`mysteryshop.tests.crawl`: the results page for every
quarter and policing area, the drill-downs, findings, appeals, and the weekly and panel
reports as page, CSV, PDF and charts), and none of those figures may appear; nor may the
day of any released visit, only its week.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mysteryshop.access import ACCESS, OK
from mysteryshop.tests.crawl import crawl
from mysteryshop.tests.world import named_urls
from reports import appeals, documents, findings, rollups
from reports.models import AppealGround, GeneratedReport, ReportKind
from reports.periods import PeriodKind, period_end, period_start
from reports.services import generate_report, release_quarter
from scenarios.tests.factories import ContactPointFactory, PolicingAreaFactory
from visits import capture
from visits.models import Answer, Submission
from visits.tests.factories import approved_scenario
from visits.tests.test_capture import build_version, q

from .test_rollups import approved_report

LONDON = ZoneInfo("Europe/London")
# Everything happens on a fixed calendar: P is 2026 Q4, R is 2027 Q1.
SET_UP_ON = datetime(2026, 11, 2, 9, tzinfo=LONDON)
P_START, R_START = date(2026, 10, 1), date(2027, 1, 1)
SECRET_QUOTE = "The officer on the desk in November was kind."
RELEASED_QUOTE = "The officer explained what would happen next."

# The reports: (contact point, day, greeted, seconds waited). Greeted and answered within two minutes
# meets everything; the mix gives each period figures no other period shares.
P_REPORTS = [
    ("A", date(2026, 11, 17), True, 200),
    ("A", date(2026, 11, 18), False, 200),
    ("B", date(2026, 12, 9), True, 60),
    ("B", date(2026, 12, 10), True, 200),
    ("B", date(2026, 12, 29), False, 60),  # in the week of 28 December to 3 January: it reaches into P
]
R_REPORTS = [
    ("A", date(2027, 1, 5), True, 60),  # the first week wholly in R: its previous week is not released
    ("B", date(2027, 1, 6), True, 60),
    ("B", date(2027, 1, 7), False, 60),
    ("A", date(2027, 1, 12), True, 60),  # the next week: its previous week is released, so it compares
    ("B", date(2027, 1, 13), True, 200),
    ("A", date(2027, 2, 16), True, 200),
    ("B", date(2027, 2, 17), True, 60),
]


@dataclass
class Tally:
    met: int = 0
    applicable: int = 0

    @property
    def score(self) -> float | None:
        return round(100 * self.met / self.applicable, 1) if self.applicable else None


def figures(reports: list[Submission]) -> dict[str, float]:
    """Every share of the commitment met these reports make, computed from their answers alone."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for report in reports:
        point = report.assignment.visit.contact_point
        for answer in report.answers.select_related("question__commitment_area"):
            question = answer.question
            if question.commitment_area_id is None or answer.meets is None:
                continue
            for key in (
                "force-wide", f"channel {point.channel}", f"contact point {point.name}",
                f"policing area {point.policing_area.name}", f"commitment area {question.commitment_area.name}",
                f"{point.policing_area.name}, commitment area {question.commitment_area.name}",
            ):  # fmt: skip
                tallies[key].applicable += question.weight
                tallies[key].met += question.weight if answer.meets else 0
    return {key: tally.score for key, tally in tallies.items() if tally.score is not None}


def shown_as(value: float) -> list[str]:
    """How a page or document writes a share or a difference (a trend shows its size: "Down 3.6 points").

    Whole numbers (0, 50, 100) are left out: they are on every page for other reasons, so finding
    one would prove nothing. The reports are chosen so that the figures that matter are not whole."""
    value = abs(value)
    return [] if value == int(value) else [f"{value:.1f}"]


def day_forms(day: date) -> list[str]:
    """The ways a page could give a visit's day."""
    return [
        f"{day:%-d %B %Y}", f"{day:%-d %b %Y}", f"{day:%d %b %Y}", day.isoformat(), f"{day:%d/%m/%Y}",
        f"{day:%A} {day.day} {day:%B}", f"{day:%a} {day.day} {day:%B}", f"{day.day} {day:%B}",
    ]  # fmt: skip


@pytest.fixture
def force_world(coordinator, commissioner, force_liaison):
    with time_machine.travel(SET_UP_ON, tick=False):
        north, south = PolicingAreaFactory(name="North Shire"), PolicingAreaFactory(name="South Shire")
        points = {
            "A": ContactPointFactory(name="Abbeygate Police Station", policing_area=north),
            "B": ContactPointFactory(name="Bridgeford Police Station", policing_area=south),
        }
        scenario = approved_scenario(questionnaire_version=build_version(), title="Asking about a lost purse")
        made = {}
        for period, plan in (("P", P_REPORTS), ("R", R_REPORTS)):
            made[period] = [
                approved_report(coordinator, greeted=greeted, wait=wait, day=day, contact_point=points[point],
                                scenario=scenario)
                for point, day, greeted, wait in plan
            ]  # fmt: skip
        for report, text, redacted in ((made["P"][0], SECRET_QUOTE, SECRET_QUOTE), (made["R"][0], "x", RELEASED_QUOTE)):
            answer = Answer.objects.create(submission=report, question=q(report.version, "Anything else?"), value=text)
            capture.review_answer(answer=answer, by=coordinator, notable="good_practice", redacted_text=redacted)
        rollups.rebuild()
    with time_machine.travel(datetime.combine(period_end(PeriodKind.QUARTER, R_START), datetime.min.time(), LONDON)):
        release_quarter(start=R_START, by=commissioner)
    with time_machine.travel(datetime(2027, 4, 6, 10, tzinfo=LONDON), tick=False):
        finding = findings.raise_finding(
            by=coordinator, title="Greet everyone at the desk", what_was_found="Some callers were not greeted.",
            recommendation="Greet everyone.", cited_reports=made["R"][:3],
        )  # fmt: skip
        appeal = appeals.raise_appeal(
            submission=made["R"][2], by=force_liaison, ground=AppealGround.SCORING_ERROR, explanation="We greeted."
        )
        week = lambda day: period_start(PeriodKind.WEEK, day)  # noqa: E731
        kept = {}
        for kind, start in (
            (ReportKind.PANEL, R_START), (ReportKind.PANEL, P_START), (ReportKind.WEEKLY, week(date(2027, 1, 5))),
            (ReportKind.WEEKLY, week(date(2027, 1, 12))), (ReportKind.WEEKLY, week(date(2026, 12, 29))),
        ):  # fmt: skip
            report = GeneratedReport.objects.create(kind=kind, period_start=start)
            assert generate_report(report_id=report.pk), GeneratedReport.objects.get(pk=report.pk).error
            kept[(kind, start)] = GeneratedReport.objects.get(pk=report.pk)
        yield {"reports": made, "points": points, "finding": finding, "appeal": appeal, "documents": kept}


def secrets(world) -> dict[str, str]:
    """Every figure and difference of an unreleased period, as a page would write it → what it is."""
    made = world["reports"]
    by_week: dict[date, list[Submission]] = defaultdict(list)
    for report in made["P"] + made["R"]:
        by_week[period_start(PeriodKind.WEEK, findings.visit_day(report))].append(report)
    unreleased_week = date(2026, 12, 28)
    periods = {
        "quarter P": figures(made["P"]),
        "week of 28 December": figures(by_week[unreleased_week]),
        **{f"{month:%B %Y}": figures([r for r in made["P"] if findings.visit_day(r).month == month.month])
           for month in (date(2026, 11, 1), date(2026, 12, 1))},
    }  # fmt: skip
    comparisons = {"quarter R": (figures(made["R"]), "quarter P"), "week of 4 January": (
        figures(by_week[date(2027, 1, 4)]), "week of 28 December")}  # fmt: skip
    found = {}
    for period, values in periods.items():
        for key, value in values.items():
            for text in shown_as(value):
                found[text] = f"{period}, {key}: {value}"
    for period, (values, earlier) in comparisons.items():
        for key, value in values.items():
            if key in periods[earlier]:
                difference = round(value - periods[earlier][key], 1)
                for text in shown_as(difference):
                    found[text] = f"{period} against {earlier}, {key}: {difference:+}"
    # A figure a released period or report has too tells nothing when seen; the reports are chosen so
    # that none of those below (checked in the test) is one.
    released = [figures(made["R"]), *(figures(reports) for week, reports in by_week.items() if week >= R_START)]
    released += [figures([report]) for report in made["R"]]
    shared = {text for values in released for value in values.values() for text in shown_as(value)}
    return {text: what for text, what in found.items() if text not in shared}


def force_pages(client, world) -> dict:
    """Everything force liaison can reach: each page they may open, and everything it links to."""
    starts = [
        reverse(name) for name, route in named_urls() if "<" not in route and ACCESS[name].outcomes["force_liaison"] == OK
        and ACCESS[name].method == "GET" and name != "logout"
    ]  # fmt: skip
    # And what they could type in: the unreleased quarter's results, drill-downs and reports.
    starts += [f"{reverse('reports:liaison-home')}?period={P_START}"]
    starts += [reverse("reports:contact-point-results", args=[point.pk, P_START.isoformat()])
               for point in world["points"].values()]  # fmt: skip
    for report in world["documents"].values():
        starts += [reverse(name, args=[report.pk]) for name in ("reports:document-detail", "reports:document-csv",
                                                                 "reports:document-pdf")]  # fmt: skip
    return crawl(client, starts)


def test_force_liaison_learn_nothing_of_a_period_not_released(client_for, force_liaison, force_world):
    hidden = secrets(force_world)
    made = force_world["reports"]
    # The figures the attack found are among them: the previous quarter's, and the changes on it.
    before, after = figures(made["P"]), figures(made["R"])
    must = [before["force-wide"], after["force-wide"] - before["force-wide"]]
    for area in ("North Shire", "South Shire"):
        key = f"policing area {area}"
        must += [before[key], after[key] - before[key]]
    missing = [value for value in must if not set(shown_as(round(value, 1))) & set(hidden)]
    assert not missing, f"Choose reports whose figures are not whole or shared: {missing}; searched {hidden}"
    with time_machine.travel(datetime(2027, 4, 6, 10, tzinfo=LONDON), tick=False):
        found = force_pages(client_for(force_liaison), force_world)
    read = {url: page.text for url, page in found.items() if page.status == 200}
    # The walk reached the released results, every kind of report and its files, the finding and the appeal.
    kinds = {page.content_type.split(";")[0] for page in found.values() if page.status == 200}
    assert {"text/html", "text/csv", "application/pdf", "image/svg+xml"} <= kinds, kinds
    assert any("Bridgeford Police Station" in text and "of the commitment met" in text for text in read.values())
    assert any(RELEASED_QUOTE in text for text in read.values())
    leaks = []
    for url, text in read.items():
        for secret, what in hidden.items():
            if re.search(rf"(?<![\d.]){re.escape(secret)}(?![\d])", text):
                leaks.append(f"{url} shows {secret} ({what})")
        if SECRET_QUOTE in text:
            leaks.append(f"{url} quotes a visit of the unreleased quarter")
    assert not leaks, "Force liaison can see unreleased figures:\n" + "\n".join(sorted(leaks))


def test_force_liaison_see_the_week_of_each_released_visit_never_its_day(client_for, force_liaison, force_world):
    with time_machine.travel(datetime(2027, 4, 6, 10, tzinfo=LONDON), tick=False):
        found = force_pages(client_for(force_liaison), force_world)
    read = {url: page.text for url, page in found.items() if page.status == 200}
    days = {findings.visit_day(report) for report in force_world["reports"]["R"] + force_world["reports"]["P"]}
    assert all(day.weekday() in (1, 2, 3) for day in days), "visits are on Tuesday to Thursday, never a Monday"
    shown = []
    for url, text in read.items():
        for day in days:
            shown += [f"{url} shows {form}" for form in day_forms(day) if re.search(rf"(?<!\d){form}\b", text)]
    assert not shown, "\n".join(shown)
    everything = "\n".join(read.values())
    for week in ("4 January 2027", "11 January 2027", "15 February 2027"):
        assert f"Week beginning {week}" in everything


def test_the_scheme_may_choose_to_show_the_force_the_day(client_for, force_liaison, force_world, settings):
    settings.MYSTERYSHOP_RELEASED_VISIT_DATES = "day"
    point = force_world["points"]["A"]
    with time_machine.travel(datetime(2027, 4, 6, 10, tzinfo=LONDON), tick=False):
        page = client_for(force_liaison).get(reverse("reports:contact-point-results", args=[point.pk, R_START]))
    content = page.content.decode()
    assert "Tuesday 5 January 2027" in content and "Week beginning" not in content
    assert "10:00" not in content, "never a time"


def test_the_opcc_still_sees_every_figure_and_comparison(client_for, commissioner, force_world):
    """The same reports for the commissioner: the trend on the unreleased quarter is theirs to see."""
    with time_machine.travel(datetime(2027, 4, 6, 10, tzinfo=LONDON), tick=False):
        page = client_for(commissioner).get(reverse("reports:commissioner-home") + f"?period={R_START}")
        panel = force_world["documents"][(ReportKind.PANEL, R_START)]
        detail = client_for(commissioner).get(reverse("reports:document-detail", args=[panel.pk]))
    previous = figures(force_world["reports"]["P"])["force-wide"]
    assert f"on the previous quarter ({previous}%)" in page.content.decode()
    assert f"on the previous quarter ({previous:g}%)" in detail.content.decode()
    assert documents.as_released(panel.content) is not panel.content


# --- Practice and pilot reports ----------------------------------------------------------------------

PILOT_PLACE = "Pilotgate Police Station"
PILOT_QUOTE = "The pilot questionnaire asked this in a new way."
PRACTICE_TITLE = "Practice: a staged encounter at the desk"
PRACTICE_QUOTE = "In the practice film the officer smiled."


def test_force_liaison_never_see_practice_or_pilot_reports(client_for, coordinator, commissioner, force_liaison):
    """A released quarter holding a live report, a pilot report and a practice report (each approved,
    each with a quote marked for release): the force sees the live one's quote and nothing of the others."""
    from scenarios.models import KeyAnswer
    from scenarios.services import new_version
    from visits import calibration, services
    from visits.tests.factories import make_visit, ready_volunteer

    with time_machine.travel(SET_UP_ON, tick=False):
        scenario = approved_scenario(questionnaire_version=build_version(), title="Asking about a lost purse")
        live = approved_report(coordinator, day=date(2026, 11, 17), scenario=scenario)
        pilot_version = new_version(version=scenario.questionnaire_version)
        visit = make_visit(coordinator=coordinator, scenario=scenario, day=date(2026, 11, 18),
                           contact_point=ContactPointFactory(name=PILOT_PLACE))  # fmt: skip
        services.set_pilot_version(visit=visit, version=pilot_version, by=coordinator)
        assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
        practice = approved_scenario(questionnaire_version=build_version(), title=PRACTICE_TITLE, practice=True)
        practice.contact_points.add(ContactPointFactory(name="Practice room"))
        KeyAnswer.objects.create(scenario=practice, question=q(practice.questionnaire_version, "Were you greeted?"),
                                 value=True, updated_by=coordinator)  # fmt: skip
    quotes = {}
    with time_machine.travel(visit.starts_at.replace(hour=12), tick=False):
        pilot = capture.start(assignment=assignment, by=assignment.volunteer.user)
        person = ready_volunteer()
        practice_report = capture.start(
            assignment=calibration.start_practice(scenario=practice, by=person.user), by=person.user
        )
        for report, text in ((live, RELEASED_QUOTE), (pilot, PILOT_QUOTE), (practice_report, PRACTICE_QUOTE)):
            if report != live:
                for label, value in (
                    ("Were you greeted?", True),
                    ("Did they give a reference number?", True),
                    ("How long did you wait?", 60),
                ):
                    Answer.objects.create(submission=report, question=q(report.version, label), value=value)
            quotes[text] = Answer.objects.create(
                submission=report, question=q(report.version, "Anything else?"), value=text
            )
        for report in (pilot, practice_report):
            capture.submit(submission=report, by=report.assignment.volunteer.user)
        capture.approve(submission=pilot, by=coordinator)
        # A practice report is never reviewed; approve it behind the pages' back, to prove the rule holds anyway.
        Submission.objects.filter(pk=practice_report.pk).update(status="approved", needs_rollup=True)
        for text, answer in quotes.items():
            capture.review_answer(answer=answer, by=coordinator, notable="good_practice", redacted_text=text)
        rollups.rebuild()
    with time_machine.travel(datetime.combine(period_end(PeriodKind.QUARTER, P_START), datetime.min.time(), LONDON)):
        release_quarter(start=P_START, by=commissioner)
    with time_machine.travel(datetime(2027, 1, 6, 10, tzinfo=LONDON), tick=False):
        client = client_for(force_liaison)
        starts = [
            reverse(name) for name, route in named_urls() if "<" not in route
            and ACCESS[name].outcomes["force_liaison"] == OK and ACCESS[name].method == "GET" and name != "logout"
        ]  # fmt: skip
        starts += [f"{reverse('reports:liaison-home')}?period={P_START}"]
        starts += [reverse("reports:contact-point-results", args=[live.assignment.visit.contact_point.pk, P_START])]
        starts += [reverse("reports:contact-point-results", args=[visit.contact_point.pk, P_START])]
        found = crawl(client, starts)
    read = {url: page.text for url, page in found.items() if page.status == 200}
    assert any(RELEASED_QUOTE in text for text in read.values()), "the walk reached the released quotes"
    leaks = [
        f"{url} shows {secret!r}"
        for url, text in read.items()
        for secret in (PILOT_QUOTE, PRACTICE_QUOTE, PRACTICE_TITLE, PILOT_PLACE)
        if secret in text
    ]
    assert not leaks, "Force liaison can see practice or pilot reports:\n" + "\n".join(leaks)


# --- Re-tests and evidence for appeals (issue 20) ------------------------------------------------

RETEST_DAY = date(2027, 7, 13)
CORRECTION_REASON = "I misread the question about the reference number."


def test_force_liaison_never_see_a_planned_retest_or_timings_outside_a_shared_pack(
    client_for, coordinator, force_liaison, force_world
):
    from reports import evidence, retests
    from visits.models import AnswerChange, PageTiming
    from visits.tests.factories import at

    made = force_world["reports"]
    appealed = force_world["appeal"].submission
    with time_machine.travel(datetime(2027, 4, 6, 10, tzinfo=LONDON), tick=False):
        finding = findings.raise_finding(
            by=coordinator, title="Give a reference number", what_was_found="Not every caller got one.",
            recommendation="Give one every time.", contact_point=force_world["points"]["A"], cited_reports=made["R"][:1],
        )  # fmt: skip
        findings.respond_to_finding(finding=finding, by=force_liaison, response="Done: every caller gets one.")
        findings.accept_finding(finding=finding, by=coordinator)
        retest = retests.schedule_retest(
            finding=finding, by=coordinator, scenario=made["R"][0].assignment.visit.scenario,
            starts_at=at(RETEST_DAY, 10), ends_at=at(RETEST_DAY, 10, 30),
        )  # fmt: skip
        for section in appealed.version.sections.all():
            PageTiming.objects.create(
                submission=appealed, section=section, first_opened_at=appealed.submitted_at,
                last_saved_at=appealed.submitted_at,
            )  # fmt: skip
        AnswerChange.objects.create(
            submission=appealed, question=q(appealed.version, "Were you greeted?"), before=True, after=False,
            reason=CORRECTION_REASON,
        )  # fmt: skip
        evidence.make_evidence_pack(appeal=force_world["appeal"], by=coordinator)
        client = client_for(force_liaison)
        found = force_pages(client, force_world)
        read = {url: page.text for url, page in found.items() if page.status == 200}
        assert any(finding.title in text for text in read.values()), "the walk reached the re-tested finding"
        assert any("We greeted." in text for text in read.values()), "and the appeal"
        pdf_url = reverse("reports:evidence-pack-pdf", args=[force_world["appeal"].pk])
        assert client.get(pdf_url).status_code == 404
        shown = []
        for url, text in read.items():
            for secret in (CORRECTION_REASON, "First opened", "Evidence pack", "checked out", *day_forms(RETEST_DAY)):
                if secret in text:
                    shown.append(f"{url} shows {secret!r}")
            if re.search(r"re-?test", text, flags=re.IGNORECASE):
                shown.append(f"{url} mentions a re-test")
        assert not shown, "\n".join(shown)
        assert client.get(retest.visit.get_absolute_url()).status_code in (403, 404)

        # Once the OPCC shares the pack, force liaison read it on the appeal's page, and only there.
        evidence.share_evidence_pack(appeal=force_world["appeal"], by=coordinator)
        page = client.get(force_world["appeal"].get_absolute_url()).content.decode()
        assert CORRECTION_REASON in page and "First opened" in page
        assert client.get(pdf_url).status_code == 200
