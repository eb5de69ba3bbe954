"""The visit list: one page at a time, cut before its booked places are counted (the same queries for a
few visits or many), and the schedule as a spreadsheet for the OPCC only, every download recorded."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mysteryshop.models import AuditAction, AuditEvent
from visits import services
from visits.models import Assignment, Visit, VisitStatus
from visits.views import VISITS_PER_PAGE

from .factories import make_visit, next_weekday, ready_volunteer

LIST = reverse("visits:visit-list")
EXPORT = reverse("visits:visit-export")


def past_visits(like: Visit, count: int, *, start: int = 0) -> list[Visit]:
    """`count` completed visits, a day apart before `like`, each with two volunteers booked."""
    made = Visit.objects.bulk_create(
        [
            Visit(
                scenario=like.scenario,
                contact_point=like.contact_point,
                created_by=like.created_by,
                status=VisitStatus.COMPLETED,
                starts_at=timezone.now() - timedelta(days=n + 1),
                ends_at=timezone.now() - timedelta(days=n + 1) + timedelta(minutes=30),
            )  # fmt: skip
            for n in range(start, start + count)
        ]
    )
    people = [ready_volunteer(), ready_volunteer()]
    Assignment.objects.bulk_create(
        [
            Assignment(
                visit=visit,
                volunteer=person,
                assigned_by=like.created_by,
                blocked_from=visit.starts_at,
                blocked_until=visit.ends_at,
            )  # fmt: skip
            for visit in made
            for person in people
        ]
    )
    return made


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_past_list_runs_the_same_queries_for_a_few_visits_or_many(client_for, coordinator):
    upcoming = make_visit(coordinator=coordinator)
    client = client_for(coordinator)
    counts = []
    for size, start in ((3, 0), (VISITS_PER_PAGE * 2, 3)):
        past_visits(upcoming, size, start=start)
        for show in ("past", "upcoming", "short"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(LIST, {"show": show}).status_code == 200
            counts.append(len(queries))
    assert counts[:3] == counts[3:], counts


def test_the_list_is_paged_and_a_wrong_page_number_shows_a_page(client_for, coordinator):
    upcoming = make_visit(coordinator=coordinator)
    past_visits(upcoming, VISITS_PER_PAGE + 5)
    client = client_for(coordinator)
    first = client.get(LIST, {"show": "past"})
    assert len(first.context["page"]) == VISITS_PER_PAGE
    assert all(visit.booked == 2 for visit in first.context["page"])
    page = first.content.decode()
    assert f"Past visits, latest first: {VISITS_PER_PAGE + 5}, page 1 of 2" in page
    assert 'href="?show=past&amp;page=2"' in page, "the next page keeps the tab"
    second = client.get(LIST, {"show": "past", "page": 2})
    assert len(second.context["page"]) == 5
    assert {v.pk for v in first.context["page"]}.isdisjoint(v.pk for v in second.context["page"])
    assert client.get(LIST, {"show": "past", "page": 99}).context["page"].number == 2
    assert client.get(LIST, {"show": "past", "page": "nonsense"}).context["page"].number == 1


def test_the_schedule_downloads_as_a_spreadsheet_for_the_tab_and_is_recorded(client_for, coordinator):
    visit = make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=1))
    person = ready_volunteer(first_name="Enid", last_name="Blaine")
    services.assign(visit=visit, volunteer=person, by=coordinator)
    past_visits(visit, 2)
    client = client_for(coordinator)
    rows = rows_of(client.get(EXPORT, {"show": "upcoming"}))
    assert rows[0][:4] == ["Day", "Starts", "Ends", "Contact point"]
    (row,) = rows[1:]
    local = timezone.localtime(visit.starts_at)
    assert row[:3] == [f"{local:%Y-%m-%d}", f"{local:%H:%M}", f"{timezone.localtime(visit.ends_at):%H:%M}"]
    assert row[7:] == ["2", "Enid Blaine", "Yes"], "one of two booked: short of a volunteer"
    assert len(rows_of(client.get(EXPORT, {"show": "past"}))) == 3
    event = AuditEvent.objects.filter(action=AuditAction.EXPORTED, object_type="visits.visit").latest("at")
    assert event.description == "visit schedule CSV (past)" and event.username == coordinator.username


@pytest.mark.parametrize("who", ["force_liaison", "volunteer"])
def test_the_force_and_volunteers_never_get_the_schedule(client_for, who, request):
    make_visit(coordinator=request.getfixturevalue("coordinator"))
    response = client_for(request.getfixturevalue(who)).get(EXPORT)
    assert response.status_code == 403 and b"Day,Starts" not in response.content
