"""The commissioner's dashboard reads the roll-up tables, in a fixed number of queries."""

from django.urls import reverse

from reports import rollups
from reports.models import RollupRow

from .test_rollups import approved_report


def test_the_dashboard_shows_the_quarter_from_the_roll_ups(client_for, commissioner, coordinator):
    good = approved_report(coordinator, greeted=True)
    poor = approved_report(coordinator, greeted=False)
    rollups.rebuild()
    content = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    # 4 of 4 weight met, and 1 of 3: 5 of 7 overall.
    assert "71.4% of the commitment met" in content
    assert "from 2 checked reports" in content
    assert good.assignment.visit.contact_point.name in content and poor.assignment.visit.contact_point.name in content


def test_the_dashboard_reads_only_roll_ups_not_answers(client_for, commissioner, coordinator):
    approved_report(coordinator)
    # Not rolled up yet: the dashboard knows nothing of the answers.
    content = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    assert "No checked reports yet" in content
    rollups.sweep()
    assert (
        "of the commitment met" in client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    )


def test_the_dashboard_runs_the_same_number_of_queries_at_1_and_at_1000_reports(
    client_for, commissioner, coordinator, django_assert_max_num_queries
):
    approved_report(coordinator)
    rollups.rebuild()
    client = client_for(commissioner)
    # Ten in all: signing in takes three (the session, the user with their roles, and the
    # authenticator app that confirmed this session's code), the dashboard the rest.
    with django_assert_max_num_queries(10) as few:
        assert "from 1 checked report" in client.get(reverse("reports:commissioner-home")).content.decode()
    # The dashboard reads only roll-ups: 999 more reports, each at its own contact point, are 999
    # more copies of the one report's rows.
    rows = list(RollupRow.objects.values())
    copies = []
    for number in range(1, 1000):
        for row in rows:
            row = dict(row, contact_point_id=row["contact_point_id"] + 1000 * number)
            row.pop("id")
            copies.append(RollupRow(**row))
    RollupRow.objects.bulk_create(copies, batch_size=5000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "from 1000 checked reports" in client.get(reverse("reports:commissioner-home")).content.decode()


def test_a_bad_filter_is_ignored_not_an_error(client_for, commissioner, coordinator):
    approved_report(coordinator)
    rollups.rebuild()
    response = client_for(commissioner).get(reverse("reports:commissioner-home"), {"period": "nonsense", "area": "x"})
    assert response.status_code == 200


def test_force_liaison_cannot_see_the_unreleased_dashboard(client_for, force_liaison):
    assert client_for(force_liaison).get(reverse("reports:commissioner-home")).status_code == 403


def test_timed_questions_show_median_90th_percentile_and_share_within_target(client_for, commissioner, coordinator):
    from reports.dashboard import percentile

    approved_report(coordinator, wait=60)
    approved_report(coordinator, wait=200)
    rollups.rebuild()
    content = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    assert "How long did you wait?" in content and "target 120 seconds" in content
    # Each report's timed question alone: within target or not, with its 95% Wilson interval on one timed.
    assert '>100.0% <span class="share-interval">(95% interval 20.7–100.0%, n = 1)</span></td>' in content
    assert '>0.0% <span class="share-interval">(95% interval 0.0–79.3%, n = 1)</span></td>' in content
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([], 0.5) is None


def test_a_welsh_page_names_timed_questions_and_their_questionnaire_in_welsh(coordinator, settings):
    """The roll-up pages read names in the page's language too (issue 21): question and questionnaire."""
    from django.utils import timezone, translation

    from reports import dashboard
    from reports.periods import PeriodKind, period_start

    settings.MYSTERYSHOP_WELSH = True
    report = approved_report(coordinator, wait=60)
    rollups.rebuild()
    question = report.answers.get(question__kind="duration").question
    questionnaire = question.section.version.questionnaire
    question.set_welsh("label", "Am faint y buoch chi’n aros?")
    question.save(update_fields=["welsh", "welsh_source"])
    questionnaire.set_welsh("title", "Ymweliad â’r ddesg flaen")
    questionnaire.save(update_fields=["welsh", "welsh_source"])
    start = period_start(PeriodKind.QUARTER, timezone.localtime(report.assignment.visit.starts_at).date())
    with translation.override("cy"):
        welsh = dashboard.timings(start=start)
    with translation.override("en-gb"):
        english = dashboard.timings(start=start)
    assert [(t["label"], t["questionnaire"]) for t in welsh] == [
        ("Am faint y buoch chi’n aros?", "Ymweliad â’r ddesg flaen")
    ]
    assert [(t["label"], t["questionnaire"]) for t in english] == [(question.label, questionnaire.title)]
