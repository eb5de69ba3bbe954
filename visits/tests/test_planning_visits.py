"""Creating visits inside opening hours, and the quarter plan."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from scenarios.tests.factories import ContactPointFactory
from visits import services
from visits.models import QuarterPlan, Visit, VisitStatus

from .factories import approved_scenario, at, make_visit, next_weekday


def test_coordinator_plans_a_visit_inside_opening_hours(client_for, coordinator):
    scenario = approved_scenario()
    point = ContactPointFactory()
    day = next_weekday()
    response = client_for(coordinator).post(
        reverse("visits:visit-create"),
        {
            "scenario": scenario.pk,
            "contact_point": point.pk,
            "day": day.isoformat(),
            "starts": "10:00",
            "ends": "10:30",
        },
    )
    visit = Visit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert visit.status == VisitStatus.PLANNED
    assert visit.events.get().to_status == VisitStatus.PLANNED


@pytest.mark.parametrize(("starts", "ends"), [("12:45", "13:15"), ("16:45", "17:15"), ("08:00", "08:30")])
def test_a_visit_outside_opening_hours_is_refused_with_the_hours(client_for, coordinator, starts, ends):
    scenario = approved_scenario()
    point = ContactPointFactory()
    response = client_for(coordinator).post(
        reverse("visits:visit-create"),
        {
            "scenario": scenario.pk,
            "contact_point": point.pk,
            "day": next_weekday().isoformat(),
            "starts": starts,
            "ends": ends,
        },
    )
    assert response.status_code == 200
    assert "is not open for the whole of that time" in response.content.decode()
    assert "09:00–13:00, 14:00–17:00" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_bank_holiday_counts_as_closed(coordinator):
    from datetime import date

    christmas = date(timezone.localdate().year + 1, 12, 25)
    with pytest.raises(ValidationError, match="closed all day"):
        make_visit(coordinator=coordinator, day=christmas)


def test_only_approved_scenarios_of_the_right_channel_can_be_scheduled(coordinator):
    from scenarios.tests.factories import ScenarioFactory

    with pytest.raises(ValidationError, match="Only an approved scenario"):
        make_visit(coordinator=coordinator, scenario=ScenarioFactory())
    with pytest.raises(ValidationError, match="but the scenario is for"):
        make_visit(coordinator=coordinator, contact_point=ContactPointFactory(channel="phone_101", always_open=True))


def test_only_coordinators_plan_visits(client_for, commissioner, volunteer):
    assert client_for(commissioner).get(reverse("visits:visit-create")).status_code == 403
    assert client_for(volunteer).get(reverse("visits:visit-create")).status_code == 403


def plan_for(coordinator, seed):
    desks = ContactPointFactory.create_batch(3)
    approved_scenario()
    year, quarter = (
        (timezone.localdate() + timedelta(days=100)).year,
        ((timezone.localdate() + timedelta(days=100)).month - 1) // 3 + 1,
    )
    return services.draft_quarter_plan(
        year=year, quarter=quarter, targets={d.pk: 2 for d in desks}, by=coordinator, seed=seed
    ), desks


def test_the_quarter_plan_is_reproducible_from_its_seed(coordinator):
    plan, desks = plan_for(coordinator, seed=1234)
    first = [(v.contact_point_id, v.starts_at) for v in plan.visits.order_by("starts_at", "contact_point_id")]
    assert len(first) == 6
    QuarterPlan.objects.all().delete()
    again = services.draft_quarter_plan(
        year=plan.year, quarter=plan.quarter, targets={d.pk: 2 for d in desks}, by=coordinator, seed=1234
    )
    assert [(v.contact_point_id, v.starts_at) for v in again.visits.order_by("starts_at", "contact_point_id")] == first
    for visit in again.visits.select_related("contact_point"):
        assert visit.contact_point.is_open_between(visit.starts_at, visit.ends_at)


def test_a_plan_is_confirmed_once_per_quarter(coordinator):
    plan, _ = plan_for(coordinator, seed=1)
    services.confirm_plan(plan=plan, by=coordinator)
    with pytest.raises(ValidationError, match="already confirmed"):
        services.confirm_plan(plan=plan, by=coordinator)


def test_a_plan_needs_an_approved_scenario_for_each_channel(coordinator):
    line = ContactPointFactory(channel="phone_101", always_open=True)
    with pytest.raises(ValidationError, match="no approved scenario"):
        services.draft_quarter_plan(year=timezone.localdate().year + 1, quarter=1, targets={line.pk: 3}, by=coordinator)


def test_coordinator_drafts_a_plan_from_the_form(client_for, coordinator):
    ContactPointFactory.create_batch(2)
    approved_scenario()
    year = timezone.localdate().year + 1
    response = client_for(coordinator).post(
        reverse("visits:plan-create"),
        {
            "year": year,
            "quarter": 2,
            "front_desk": 2,
            "phone_101": 0,
            "website": 0,
            "online_reporting": 0,
            "neighbourhood_meeting": 0,
        },
    )
    plan = QuarterPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.visits.count() == 4


def test_coverage_shows_planned_and_done_by_month(client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    response = client_for(coordinator).get(reverse("visits:coverage"), {"year": visit.starts_at.year})
    assert "0 / 1" in response.content.decode()


def test_a_drafted_visit_can_be_moved_but_not_outside_opening_hours(client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    day = visit.starts_at.date() + timedelta(days=1)
    data = {
        "scenario": visit.scenario.pk,
        "contact_point": visit.contact_point.pk,
        "day": day.isoformat(),
        "starts": "14:30",
        "ends": "15:00",
    }
    client = client_for(coordinator)
    assert client.post(reverse("visits:visit-edit", args=[visit.pk]), data).status_code == 302
    visit.refresh_from_db()
    assert visit.starts_at == at(day, 14, 30)
    response = client.post(reverse("visits:visit-edit", args=[visit.pk]), data | {"starts": "18:00", "ends": "18:30"})
    assert "is not open for the whole of that time" in response.content.decode()
