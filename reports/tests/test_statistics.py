"""Honest statistics: every share with its count (visits) and a 95% Wilson score interval; small samples unjudged."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from reports import dashboard, documents, rollups
from reports.models import RollupRow
from reports.statistics import Z_95, percent_interval, wilson_interval
from scenarios.tests.factories import ContactPointFactory
from visits import capture, services
from visits.models import Answer
from visits.tests.factories import approved_scenario, make_visit, ready_volunteer
from visits.tests.test_capture import build_version, q

from .test_rollups import approved_report


# Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
# methods", Statistics in Medicine 17, 857-872, Table II, method 3 (Wilson score, no continuity correction).
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_intervals_match_published_values(successes, n, low, high):
    interval = wilson_interval(successes / n, n)
    assert interval == pytest.approx((low, high), abs=0.00005)


def test_an_interval_needs_at_least_one_visit():
    assert wilson_interval(0.5, 0) is None
    assert percent_interval(None, 10) is None
    assert percent_interval(50.0, 2) == (9.5, 90.5)
    assert percent_interval(100.0, 5) == (56.6, 100.0)


def pair_report_on(assignment, coordinator, *, greeted=True):
    """Send and approve the report of one of a pair."""
    visit = assignment.visit
    with time_machine.travel(visit.starts_at + timedelta(minutes=5)):
        submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
        version = visit.scenario.questionnaire_version
        Answer.objects.create(submission=submission, question=q(version, "Were you greeted?"), value=greeted)
        if greeted:
            Answer.objects.create(
                submission=submission, question=q(version, "Did they give a reference number?"), value=True
            )
        Answer.objects.create(submission=submission, question=q(version, "How long did you wait?"), value=60)
        capture.submit(submission=submission, by=assignment.volunteer.user)
        capture.approve(submission=submission, by=coordinator)
    return submission


def test_a_pairs_two_reports_count_as_one_visit(coordinator):
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
    pair = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    pair_report_on(pair[0], coordinator)
    last = pair_report_on(pair[1], coordinator)
    rollups.rollup_submission(last.pk)
    row = RollupRow.objects.get(period_kind="quarter", area_id=0, question_id=0)
    assert (row.reports, row.visits) == (2, 1)
    question_row = RollupRow.objects.get(
        period_kind="quarter", question_id=q(visit.scenario.questionnaire_version, "Were you greeted?").pk
    )
    assert (question_row.reports, question_row.visits) == (2, 1)
    rollups.rebuild()
    assert RollupRow.objects.get(period_kind="quarter", area_id=0, question_id=0).visits == 1
    assert rollups.differences() == []


@pytest.fixture
def two_contact_points(coordinator, settings):
    """Five visits at one contact point (enough to judge, at the default threshold) and two at another."""
    settings.MYSTERYSHOP_MIN_VISITS_TO_JUDGE = 5
    scenario = approved_scenario(questionnaire_version=build_version())
    judged = ContactPointFactory(name="Judged Station", channel=scenario.channel)
    small = ContactPointFactory(name="Tiny Desk", channel=scenario.channel)
    first = approved_report(coordinator, contact_point=judged, scenario=scenario)
    day = first.assignment.visit.starts_at.date()
    for _ in range(4):
        approved_report(coordinator, contact_point=judged, scenario=scenario, day=day)
    for _ in range(2):
        approved_report(coordinator, contact_point=small, scenario=scenario, day=day, greeted=False)
    rollups.rebuild()
    return judged, small, first


def test_contact_points_with_too_few_visits_are_not_ranked_or_coloured(two_contact_points):
    judged, small, first = two_contact_points
    results = dashboard.dashboard(start=rollups.period_start("quarter", first.assignment.visit.starts_at.date()))
    assert [figure.label for figure in results.league] == ["Judged Station"]
    assert results.league[0].visits == 5 and results.league[0].status == "green"
    assert [figure.label for figure in results.unranked] == ["Tiny Desk"]
    tiny = results.unranked[0]
    assert tiny.visits == 2 and tiny.score == 33.3  # red, were it judged
    assert tiny.status == "too few visits to judge"


def test_the_dashboard_shows_too_few_visits_and_intervals(client_for, commissioner, two_contact_points):
    content = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    tiny_row = content[content.index("Tiny Desk") : content.index("</tr>", content.index("Tiny Desk"))]
    assert "Too few visits to judge" in tiny_row
    assert "rag-red" not in tiny_row and '<td data-label="Rank">—</td>' in content
    assert "(95% interval 56.6–100.0%)" in content  # 100% on five visits
    assert "n&nbsp;=&nbsp;7&nbsp;visits" in content


def test_reports_and_their_csv_carry_n_and_the_interval(two_contact_points):
    _, _, first = two_contact_points
    start = rollups.period_start("quarter", first.assignment.visit.starts_at.date())
    content = documents.content(kind="panel", start=start)
    assert [figure["label"] for figure in content["league"]] == ["Judged Station"]
    assert content["unranked"][0]["status"] == "too few visits to judge"
    rows = documents.csv_rows(content)
    header = rows[0]
    judged = next(row for row in rows if row[1] == "Judged Station")
    assert judged[header.index("visits (n)")] == 5
    assert (judged[header.index("95% interval low %")], judged[header.index("95% interval high %")]) == (56.6, 100.0)
    tiny = next(row for row in rows if row[1] == "Tiny Desk")
    assert tiny[header.index("status")] == "too few visits to judge"


def test_an_interval_from_a_single_visit():
    # Kills `n <= 0` → `n <= 1` (no interval for one visit) and a dropped `z2 / (2 * n)` term.
    z2 = Z_95 * Z_95
    assert wilson_interval(1.0, 1) == pytest.approx((1 / (1 + z2), 1.0))
    assert wilson_interval(0.0, 1) == pytest.approx((0.0, z2 / (1 + z2)))
    assert percent_interval(100.0, 1) == (20.7, 100.0)


def test_a_share_above_one_is_read_as_one():
    # Kills the dropped clamp `min(max(share, 0.0), 1.0)`: without it the square root of a negative number raises.
    assert wilson_interval(1.2, 10) == wilson_interval(1.0, 10)
    assert wilson_interval(-0.1, 10) == wilson_interval(0.0, 10)
    assert percent_interval(120.0, 10) == percent_interval(100.0, 10)
