"""Releasing a quarter to the force, and what each role then sees."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports import rollups, services
from reports.models import Release
from reports.periods import PeriodKind, period_end, period_start

from .test_rollups import approved_report


@pytest.fixture
def released_setup(coordinator, commissioner):
    """Two approved reports in one quarter, rolled up, with the clock moved past its end."""
    first = approved_report(coordinator, greeted=True)
    approved_report(coordinator, greeted=False, day=first.assignment.visit.starts_at.date())
    rollups.rebuild()
    quarter = period_start(PeriodKind.QUARTER, first.assignment.visit.starts_at.date())
    traveller = time_machine.travel(period_end(PeriodKind.QUARTER, quarter) + timedelta(days=1))
    traveller.start()
    yield first, quarter
    traveller.stop()


def test_only_the_commissioner_releases(released_setup, coordinator):
    _, quarter = released_setup
    with pytest.raises(PermissionDenied):
        services.release_quarter(start=quarter, by=coordinator)


def test_a_quarter_still_running_cannot_be_released(commissioner, coordinator):
    report = approved_report(coordinator)
    quarter = period_start(PeriodKind.QUARTER, report.assignment.visit.starts_at.date())
    with pytest.raises(ValidationError, match="once it has ended"):
        services.release_quarter(start=quarter, by=commissioner)
    with pytest.raises(ValidationError, match="Choose a quarter"):
        services.release_quarter(start=date(2025, 2, 3), by=commissioner)


def test_releasing_twice_makes_one_release(released_setup, commissioner):
    _, quarter = released_setup
    services.release_quarter(start=quarter, by=commissioner)
    services.release_quarter(start=quarter, by=commissioner)
    assert Release.objects.count() == 1


def test_force_liaison_sees_nothing_before_release_and_the_results_after(
    released_setup, client_for, commissioner, force_liaison
):
    first, quarter = released_setup
    volunteer_name = str(first.assignment.volunteer)
    point = first.assignment.visit.contact_point
    liaison = client_for(force_liaison)
    page = liaison.get(reverse("reports:liaison-home")).content.decode()
    assert "No results have been released yet" in page and point.name not in page
    drill = reverse("reports:contact-point-results", args=[point.pk, quarter.isoformat()])
    assert liaison.get(drill).status_code == 404

    commissioner_client = client_for(commissioner)
    response = commissioner_client.post(reverse("reports:release-create"), {"period": quarter.isoformat()})
    assert response.status_code == 302 and Release.objects.filter(period_start=quarter).exists()

    liaison = client_for(force_liaison)
    page = liaison.get(reverse("reports:liaison-home")).content.decode()
    assert point.name in page and "of the commitment met" in page
    assert "Visits this quarter" not in page, "planned visits are never shown to the force"
    drill_page = liaison.get(drill).content.decode()
    visit_time = first.assignment.visit.starts_at
    assert first.assignment.visit.scenario.title in drill_page
    assert volunteer_name not in drill_page and volunteer_name not in page
    assert f"{visit_time:%H:%M}" not in drill_page, "dates to the day only"


def test_release_refuses_a_get_and_other_roles(released_setup, client_for, coordinator, force_liaison):
    _, quarter = released_setup
    assert client_for(coordinator).get(reverse("reports:release-create")).status_code == 405
    for user in (coordinator, force_liaison):
        response = client_for(user).post(reverse("reports:release-create"), {"period": quarter.isoformat()})
        assert response.status_code == 403
    assert not Release.objects.exists()


def test_bad_release_input_gives_a_message_not_an_error(released_setup, client_for, commissioner):
    client = client_for(commissioner)
    response = client.post(reverse("reports:release-create"), {"period": "nonsense"}, follow=True)
    assert "Choose a quarter to release" in response.content.decode()
    response = client.post(reverse("reports:release-create"), {"period": "2031-01-01"}, follow=True)
    assert "once it has ended" in response.content.decode()


def test_the_commissioner_sees_visits_done_against_planned_and_can_drill_down(released_setup, client_for, commissioner):
    first, quarter = released_setup
    page = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    assert "2 made</strong> of 2 planned" in page
    point = first.assignment.visit.contact_point
    drill = client_for(commissioner).get(reverse("reports:contact-point-results", args=[point.pk, quarter.isoformat()]))
    assert str(first.assignment.volunteer) in drill.content.decode()


def test_other_roles_cannot_drill_down(released_setup, client_for, volunteer):
    first, quarter = released_setup
    url = reverse("reports:contact-point-results", args=[first.assignment.visit.contact_point_id, quarter.isoformat()])
    assert client_for(volunteer).get(url).status_code == 403
    assert client_for(volunteer).get(reverse("reports:results")).status_code == 403


def test_quotes_shown_to_the_force_are_only_checked_text(
    released_setup, client_for, commissioner, force_liaison, coordinator
):
    from visits import capture
    from visits.models import Answer
    from visits.tests.test_capture import q

    first, quarter = released_setup
    question = q(first.version, "Anything else?")
    unchecked = Answer.objects.create(submission=first, question=question, value="PC Smith was rude to me.")
    capture.review_answer(answer=unchecked, by=coordinator, notable="concern", redacted_text="")
    rollups.sweep()
    services.release_quarter(start=quarter, by=commissioner)
    assert "PC Smith was rude" in client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    assert "PC Smith" not in client_for(force_liaison).get(reverse("reports:liaison-home")).content.decode()
    capture.review_answer(
        answer=unchecked, by=coordinator, notable="concern", redacted_text="[An officer] was rude to me."
    )
    rollups.sweep()
    page = client_for(force_liaison).get(reverse("reports:liaison-home")).content.decode()
    assert "[An officer] was rude to me." in page and "PC Smith" not in page
