"""The coordinator's home says what needs them, with counts and links, in the same queries whatever the numbers."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import workload
from visits import capture, services
from visits.models import SafetyAlert, Submission
from visits.tests.factories import make_visit, next_weekday, ready_volunteer
from visits.tests.test_capture import booked, fill  # noqa: F401 (booked is a fixture)
from volunteers import services as volunteer_services
from volunteers.models import Status
from volunteers.tests.factories import VolunteerFactory

HOME = reverse("reports:coordinator-home")


def counts(page: str) -> dict[str, int]:
    """Each line of "What needs you": its words → its number."""
    section = page.split('id="needs-you"')[1].split("</section>")[0]
    found = {}
    for number, words in re.findall(
        r'<span class="badge[^"]*"[^>]*>(\d+)</span>\s*<span>(.*?)</span></li>', section, re.S
    ):
        found[re.sub(r"<[^>]+>", "", words).split(":")[0].strip()] = int(number)
    return found


def add_work(coordinator, client_for, assignments, size: int):
    """`size` of each kind of work a coordinator can have waiting."""
    for _ in range(size):
        VolunteerFactory(status=Status.APPLIED)
        own = ready_volunteer()
        volunteer_services.create_expense_claim(
            volunteer=own, purpose="Mileage", items=[{"kind": "parking", "amount_pence": 450}]
        )
        make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=1))  # nobody booked yet
    for assignment in assignments:
        fill(client_for(assignment.volunteer.user), assignment)
        capture.submit(submission=Submission.objects.get(assignment=assignment), by=assignment.volunteer.user)


def test_home_counts_each_kind_of_work_with_a_link(client_for, coordinator, booked):  # noqa: F811
    visit, assignments = booked
    client = client_for(coordinator)
    empty = counts(client.get(HOME).content.decode())
    assert set(empty.values()) == {0}, empty
    assert len(empty) == 10
    add_work(coordinator, client_for, assignments, 2)
    SafetyAlert.objects.create(visit=visit)
    page = client_for(coordinator).get(HOME).content.decode()
    found = counts(page)
    assert found["Reports waiting for review"] == 2
    assert found["Applications to screen"] == 2
    assert found["Expense claims to decide"] == 2
    assert found["Visits in the next 14 days not fully booked"] == 2
    assert found["Safety alerts open"] == 1
    assert "£9.00 in all" in page
    assert "the oldest sent" in page
    assert f'href="{reverse("visits:review-queue")}">Reports waiting for review' in page
    assert 'id="safety-alerts"' in page and visit.get_absolute_url() in page


def test_home_runs_the_same_queries_with_little_or_much_waiting(client_for, coordinator, booked):  # noqa: F811
    _visit, assignments = booked
    sizes = []
    for size, people in ((1, assignments[:1]), (4, assignments[1:])):
        add_work(coordinator, client_for, people, size)
        client = client_for(coordinator)
        client.get(HOME)  # the first page after signing in caches the session like any later page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        sizes.append(len(queries))
    assert sizes[0] == sizes[1], sizes


def test_a_declined_booking_is_counted_until_someone_takes_the_place(coordinator):
    visit = make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=1))
    first, second = ready_volunteer(), ready_volunteer()
    services.assign(visit=visit, volunteer=first, by=coordinator)
    declined = services.assign(visit=visit, volunteer=second, by=coordinator)
    services.decline(assignment=declined, by=second.user, reason="Unwell")
    need = workload.coordinator_needs()["unbooked"]
    assert need.count == 1 and need.detail == "1 after a volunteer declined"
    services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    assert workload.coordinator_needs()["unbooked"].count == 0


def test_a_visit_beyond_the_next_fortnight_is_not_yet_counted(coordinator):
    make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=4))
    assert workload.coordinator_needs(timezone.now())["unbooked"].count == 0
    assert workload.coordinator_needs(timezone.now() + timedelta(weeks=3))["unbooked"].count == 1
