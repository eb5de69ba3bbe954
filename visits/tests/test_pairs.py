"""Choosing volunteers: only those who may go, ranked; pairs for in-person visits; no double booking."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.urls import reverse
from icalendar import Calendar

from visits import services
from visits.models import Assignment, Conflict, VisitStatus
from volunteers.models import AwayPeriod, Status

from .factories import make_visit, next_weekday, ready_volunteer


@pytest.fixture
def visit(coordinator):
    return make_visit(coordinator=coordinator)


def listed(visit):
    return {candidate.volunteer for candidate in services.candidates(visit)}


def test_the_picker_lists_only_volunteers_who_may_go(visit, coordinator):
    ready = ready_volunteer()
    untrained = ready_volunteer()
    untrained.training_bookings.update(attended=False)
    paused = ready_volunteer(status=Status.PAUSED)
    away = ready_volunteer()
    AwayPeriod.objects.create(volunteer=away, starts_on=visit.starts_at.date(), ends_on=visit.starts_at.date())
    conflicted = ready_volunteer()
    Conflict.objects.create(volunteer=conflicted, contact_point=visit.contact_point, reason="Sister works there")
    assert listed(visit) == {ready}
    assert {untrained, paused, away, conflicted}.isdisjoint(listed(visit))


def test_someone_booked_within_the_buffer_is_not_listed(visit, coordinator):
    busy = ready_volunteer()
    nearby = make_visit(coordinator=coordinator, day=visit.starts_at.date(), hour=11)  # 30 minutes after the first ends
    services.assign(visit=nearby, volunteer=busy, by=coordinator)
    assert busy not in listed(visit)


def test_someone_at_the_same_contact_point_recently_is_locked_out(visit, coordinator, settings):
    settings.MYSTERYSHOP_LOCKOUT_DAYS = 90
    regular = ready_volunteer()
    earlier = make_visit(
        coordinator=coordinator,
        day=next_weekday(weeks_ahead=1),
        contact_point=visit.contact_point,
        scenario=visit.scenario,
    )
    services.assign(visit=earlier, volunteer=regular, by=coordinator)
    assert regular not in listed(visit)


def test_the_monthly_cap_is_kept(visit, coordinator, settings):
    settings.MYSTERYSHOP_MONTHLY_CAP = 1
    keen = ready_volunteer()
    other = make_visit(coordinator=coordinator, day=visit.starts_at.date(), hour=15)
    services.assign(visit=other, volunteer=keen, by=coordinator)
    assert keen not in listed(visit)


def test_the_picker_ranks_fewest_recent_visits_then_nearness(visit, coordinator):
    far = ready_volunteer(postcode="DE14 1AA")
    near = ready_volunteer(postcode=visit.contact_point.postcode)
    busy = ready_volunteer(postcode=visit.contact_point.postcode)
    services.assign(
        visit=make_visit(coordinator=coordinator, day=visit.starts_at.date() - timedelta(days=7), hour=14),
        volunteer=busy,
        by=coordinator,
    )
    assert [c.volunteer for c in services.candidates(visit)] == [near, far, busy]


def test_suggest_a_pair_books_two_for_an_in_person_visit_and_no_more(client_for, coordinator, visit):
    people = [ready_volunteer() for _ in range(3)]
    client_for(coordinator).post(reverse("visits:visit-suggest", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.assignments.active().count() == 2
    assert visit.status == VisitStatus.ASSIGNED
    spare = next(p for p in people if not visit.assignments.filter(volunteer=p).exists())
    with pytest.raises(ValidationError, match="already has all the volunteers"):
        services.assign(visit=visit, volunteer=spare, by=coordinator)


@pytest.mark.parametrize(("channel", "needed"), [("phone_101", 1), ("phone_101", 2), ("front_desk", 2)])
def test_suggest_books_the_number_the_scenario_page_shows(client_for, coordinator, channel, needed):
    """One source: the number on the scenario's page is the number booked (a phone scenario may say one or two)."""
    from scenarios.tests.factories import ContactPointFactory

    from .factories import approved_scenario

    scenario = approved_scenario(channel=channel, volunteers_needed=needed)
    shown = client_for(coordinator).get(scenario.get_absolute_url()).content.decode()
    assert f"{needed} volunteer{'s' if needed > 1 else ''} ·" in shown
    point = ContactPointFactory(channel=channel, always_open=True)
    visit = make_visit(coordinator=coordinator, scenario=scenario, contact_point=point)
    [ready_volunteer() for _ in range(3)]
    page = client_for(coordinator).get(visit.get_absolute_url()).content.decode()
    # Found while using the site: a one-volunteer visit offered to "suggest a pair".
    button = "Suggest a pair and book them" if needed == 2 else "Suggest a volunteer and book them"
    assert f"Volunteers ({needed} needed)" in page and button in page
    client_for(coordinator).post(reverse("visits:visit-suggest", args=[visit.pk]))
    assert visit.assignments.active().count() == needed


def test_a_phone_visit_nobody_can_take_says_so_without_speaking_of_in_person_visits(client_for, coordinator):
    """Found while using the site: a website visit with nobody free said "nobody goes on an in-person visit alone"."""
    from scenarios.tests.factories import ContactPointFactory

    from .factories import approved_scenario

    point = ContactPointFactory(channel="phone_101", always_open=True)
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(channel="phone_101"), contact_point=point)
    response = client_for(coordinator).post(reverse("visits:visit-suggest", args=[visit.pk]), follow=True)
    page = response.content.decode()
    assert "Nobody was booked: nobody can go at this time." in page and "in-person" not in page


def test_a_forged_booking_of_someone_who_may_not_go_is_refused(client_for, coordinator, visit):
    paused = ready_volunteer(status=Status.PAUSED)
    response = client_for(coordinator).post(
        reverse("visits:visit-assign", args=[visit.pk]), {"volunteer": paused.pk}, follow=True
    )
    assert "cannot go on this visit" in response.content.decode()
    assert not Assignment.objects.exists()


def test_booking_emails_the_volunteer_a_calendar_file(
    coordinator, visit, django_capture_on_commit_callbacks, sent_email
):
    person = ready_volunteer()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    message = sent_email()[-1]
    assert message.to == [person.email]
    assert assignment.get_absolute_url() in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "visit.ics" and mimetype.startswith("text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == visit.starts_at


def test_the_volunteer_accepts_and_the_visit_is_confirmed_when_all_have(client_for, coordinator):
    from scenarios.tests.factories import ContactPointFactory

    from .factories import approved_scenario

    line = ContactPointFactory(channel="website", always_open=True)
    visit = make_visit(coordinator=coordinator, scenario=approved_scenario(channel="website"), contact_point=line)
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    client_for(person.user).post(reverse("visits:assignment-accept", args=[assignment.pk]))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONFIRMED


def test_declining_alerts_the_coordinator_and_reopens_the_visit(
    client_for, coordinator, visit, django_capture_on_commit_callbacks, sent_email
):
    first, second = ready_volunteer(), ready_volunteer()
    for person in (first, second):
        services.assign(visit=visit, volunteer=person, by=coordinator)
    assignment = visit.assignments.get(volunteer=first)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(first.user).post(
            reverse("visits:assignment-decline", args=[assignment.pk]), {"reason": "Hospital appointment"}
        )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    outbox = sent_email()
    (told,) = [message for message in outbox if message.to == [coordinator.email]]
    assert "Hospital appointment" in told.body
    assert f"{settings.MYSTERYSHOP_SITE_URL or 'http://testserver'}{visit.get_absolute_url()}" in told.body, (
        "a link that works"
    )


def test_a_volunteer_cannot_answer_for_someone_else(client_for, coordinator, visit):
    owner, intruder = ready_volunteer(), ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=owner, by=coordinator)
    client = client_for(intruder.user)
    assert client.post(reverse("visits:assignment-accept", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("visits:assignment-decline", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("visits:assignment-calendar", args=[assignment.pk])).status_code == 404


def test_accept_and_decline_refuse_get(client_for, coordinator, visit):
    person = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=person, by=coordinator)
    assert client_for(person.user).get(reverse("visits:assignment-accept", args=[assignment.pk])).status_code == 405


def test_the_picker_runs_a_fixed_number_of_queries(client_for, coordinator, visit, django_assert_max_num_queries):
    client = client_for(coordinator)
    ready_volunteer()
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("visits:visit-detail", args=[visit.pk]))
    for _ in range(10):
        ready_volunteer()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("visits:visit-detail", args=[visit.pk]))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_refuses_overlapping_bookings(coordinator):
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint is PostgreSQL's.")
    person = ready_volunteer()
    first = make_visit(coordinator=coordinator)
    second = make_visit(coordinator=coordinator, day=first.starts_at.date(), hour=10)
    Assignment.objects.create(
        visit=first,
        volunteer=person,
        blocked_from=first.starts_at,
        blocked_until=first.ends_at,
        assigned_by=coordinator,
    )
    with pytest.raises(IntegrityError):
        Assignment.objects.create(
            visit=second,
            volunteer=person,
            blocked_from=second.starts_at,
            blocked_until=second.ends_at,
            assigned_by=coordinator,
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_end_with_exactly_one_success(coordinator):
    if connection.vendor != "postgresql":
        pytest.skip("Needs real concurrent transactions.")
    person = ready_volunteer()
    visits = [make_visit(coordinator=coordinator), None]
    visits[1] = make_visit(coordinator=coordinator, day=visits[0].starts_at.date(), hour=10)
    barrier, outcomes = threading.Barrier(2), []

    def book(visit):
        barrier.wait()
        try:
            services.assign(visit=visit, volunteer=person, by=coordinator)
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(visit,)) for visit in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 1, outcomes
    assert "cannot go on this visit" in next(o for o in outcomes if o != "booked")
    assert Assignment.objects.filter(volunteer=person).count() == 1


def test_coordinator_records_a_conflict_and_the_picker_honours_it(client_for, coordinator, visit):
    person = ready_volunteer()
    response = client_for(coordinator).post(
        reverse("visits:conflict-list"),
        {"volunteer": person.pk, "contact_point": visit.contact_point.pk, "reason": "Son is a PCSO there"},
    )
    assert response.status_code == 302
    assert person not in listed(visit)


def test_only_coordinators_record_conflicts(client_for, commissioner, volunteer, visit):
    person = ready_volunteer()
    data = {"volunteer": person.pk, "contact_point": visit.contact_point.pk, "reason": "x"}
    assert client_for(commissioner).post(reverse("visits:conflict-list"), data).status_code == 403
    assert client_for(volunteer).post(reverse("visits:conflict-list"), data).status_code == 403
    assert not Conflict.objects.exists()
