"""Who may be paired with whom: under-18s only with an adult (service and database), volunteers who
think they were recognised kept away from that contact point, and the mix of a pair."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from mysteryshop import database_rules
from visits import capture, safety, services
from visits.models import Assignment, Submission, SubmissionStatus
from volunteers.models import Disability, Gender

from .factories import make_visit, next_weekday, ready_volunteer
from .test_capture import booked, build_version, fill  # noqa: F401 (booked is a fixture)


def aged(years: int, day: date) -> date:
    """A date of birth that makes someone `years` old (and not a day more) on `day`."""
    return date(day.year - years, day.month, 1) if day.day > 1 else date(day.year - years - 1, 12, 31)


@pytest.fixture
def young_scheme(settings):
    settings.MYSTERYSHOP_MINIMUM_AGE = 15


def minor(visit, **kwargs):
    return ready_volunteer(date_of_birth=aged(16, visit.starts_at.date()), **kwargs)


def test_a_second_under_18_is_refused_by_the_service_with_a_clear_message(young_scheme, coordinator):
    visit = make_visit(coordinator=coordinator)
    first, second = minor(visit), minor(visit)
    services.assign(visit=visit, volunteer=first, by=coordinator)
    assert second not in {candidate.volunteer for candidate in services.candidates(visit)}
    with pytest.raises(ValidationError, match="under 18 and can only be paired with an adult"):
        services.assign(visit=visit, volunteer=second, by=coordinator)
    adult = ready_volunteer(date_of_birth=aged(18, visit.starts_at.date()))
    services.assign(visit=visit, volunteer=adult, by=coordinator)
    assert set(visit.assignments.values_list("volunteer", flat=True)) == {first.pk, adult.pk}


def test_the_picker_page_refuses_a_forged_second_under_18(young_scheme, client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    first, second = minor(visit), minor(visit)
    services.assign(visit=visit, volunteer=first, by=coordinator)
    response = client_for(coordinator).post(
        reverse("visits:visit-assign", args=[visit.pk]), {"volunteer": second.pk}, follow=True
    )
    assert "can only be paired with an adult" in response.content.decode()
    assert visit.assignments.count() == 1


def test_a_suggested_pair_never_has_two_under_18s(young_scheme, coordinator):
    visit = make_visit(coordinator=coordinator)
    # Ranked first by name, so without the rule the two under-18s would be chosen together.
    first, _second = minor(visit, last_name="Aardvark"), minor(visit, last_name="Abbott")
    adult = ready_volunteer(last_name="Zephyr")
    assert services.suggest_pair(visit) == [first, adult]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_two_under_18s_on_one_visit(young_scheme, coordinator):
    visit = make_visit(coordinator=coordinator)
    services.assign(visit=visit, volunteer=minor(visit), by=coordinator)
    blocked_from, blocked_until = Assignment.block_for(visit)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Assignment.objects.create(
            visit=visit, volunteer=minor(visit), blocked_from=blocked_from, blocked_until=blocked_until,
            assigned_by=coordinator,
        )  # fmt: skip
    # Services know the refusal by the rule's name (and SQLSTATE 23514, check_violation), never by its text.
    assert database_rules.rule_name(refused.value) == "assignment_under_18_paired_with_adult"
    assert refused.value.__cause__.pgcode == "23514"
    assert "paired with an adult" in database_rules.plain_message(refused.value)
    # An adult is let through by the same trigger.
    Assignment.objects.create(
        visit=visit, volunteer=ready_volunteer(), blocked_from=blocked_from, blocked_until=blocked_until,
        assigned_by=coordinator,
    )  # fmt: skip
    assert visit.assignments.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_python_rule_and_the_trigger_agree_on_an_eighteenth_birthday(young_scheme, coordinator):
    """Someone whose 18th birthday is the day of the visit is an adult to both; a day younger is not."""
    visit = make_visit(coordinator=coordinator)
    day = visit.starts_at.date()
    services.assign(visit=visit, volunteer=minor(visit), by=coordinator)
    turning = ready_volunteer(
        date_of_birth=day.replace(year=day.year - 18) if (day.month, day.day) != (2, 29) else date(day.year - 18, 2, 28)
    )
    not_yet = ready_volunteer(date_of_birth=turning.date_of_birth + timedelta(days=1))
    assert not turning.is_under_18_on(day) and not_yet.is_under_18_on(day)
    assert services.under_18_on_visit([turning], day) is None and services.under_18_on_visit([not_yet], day) == not_yet
    listed = {candidate.volunteer for candidate in services.candidates(visit)}
    assert turning in listed and not_yet not in listed
    blocked_from, blocked_until = Assignment.block_for(visit)
    with pytest.raises(IntegrityError), transaction.atomic():  # the backstop refuses the one Python refuses
        Assignment.objects.create(
            visit=visit, volunteer=not_yet, blocked_from=blocked_from, blocked_until=blocked_until,
            assigned_by=coordinator,
        )  # fmt: skip
    services.assign(visit=visit, volunteer=turning, by=coordinator)
    assert visit.assignments.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_bringing_back_a_declined_under_18_beside_another(young_scheme, coordinator):
    visit = make_visit(coordinator=coordinator)
    first = services.assign(visit=visit, volunteer=minor(visit), by=coordinator)
    Assignment.objects.filter(pk=first.pk).update(declined_at=visit.created_at)
    services.assign(visit=visit, volunteer=minor(visit), by=coordinator)
    with pytest.raises(IntegrityError, match="under 18"), transaction.atomic():
        Assignment.objects.filter(pk=first.pk).update(declined_at=None)


# --- "I think I was recognised" ------------------------------------------------------------------


def test_a_recognised_volunteers_report_leaves_the_results(client_for, booked, coordinator):  # noqa: F811
    visit, (assignment, _other) = booked
    client = client_for(assignment.volunteer.user)
    fill(client, assignment)
    client.post(reverse("visits:report-submit", args=[assignment.pk]))
    submission = Submission.objects.get(assignment=assignment)
    capture.approve(submission=submission, by=coordinator)
    Submission.objects.filter(pk=submission.pk).update(needs_rollup=False)
    assert Submission.objects.in_results().filter(pk=submission.pk).exists()
    response = client.post(
        reverse("visits:assignment-recognised", args=[assignment.pk]),
        {"note": "The PCSO is my neighbour."},
        follow=True,
    )
    assert "will not count in the results" in response.content.decode()
    submission.refresh_from_db()
    assert submission.excluded and submission.status == SubmissionStatus.APPROVED
    assert "recognised" in submission.excluded_reason and "The PCSO is my neighbour." in submission.excluded_reason
    assert submission.needs_rollup, "the roll-ups are recomputed through the usual marker"
    assert not Submission.objects.in_results().filter(pk=submission.pk).exists()
    client.post(reverse("visits:assignment-recognised", args=[assignment.pk]), {"note": "again"})
    assert submission.events.filter(action="excluded").count() == 1, "reporting twice changes nothing"
    page = client_for(coordinator).get(reverse("visits:review-detail", args=[submission.pk])).content.decode()
    assert "Kept out of the results" in page


def test_a_report_started_after_saying_so_is_kept_out_from_the_start(booked):  # noqa: F811
    _visit, (assignment, _other) = booked
    safety.report_recognised(assignment=assignment, by=assignment.volunteer.user)
    submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
    assert submission.excluded


def test_recognition_is_refused_for_someone_elses_visit_and_by_get(client_for, booked, other_volunteer):  # noqa: F811
    _visit, (assignment, _other) = booked
    url = reverse("visits:assignment-recognised", args=[assignment.pk])
    assert client_for(other_volunteer).post(url).status_code == 404
    assert client_for(assignment.volunteer.user).get(url).status_code == 405
    assignment.refresh_from_db()
    assert assignment.recognised_at is None


def test_a_recognised_volunteer_is_kept_away_from_that_contact_point(coordinator, settings):
    settings.MYSTERYSHOP_RECOGNISED_LOCKOUT_DAYS = 365
    settings.MYSTERYSHOP_LOCKOUT_DAYS = 90
    first_visit = make_visit(coordinator=coordinator)
    person = ready_volunteer()
    assignment = services.assign(visit=first_visit, volunteer=person, by=coordinator)
    with time_machine.travel(first_visit.starts_at + timedelta(minutes=20), tick=False):
        safety.report_recognised(assignment=assignment, by=person.user, note="")
    point = first_visit.contact_point
    # 30 weeks on: past the usual 90-day lockout, within the year.
    later = make_visit(coordinator=coordinator, contact_point=point, day=next_weekday(weeks_ahead=32))
    assert person not in {candidate.volunteer for candidate in services.candidates(later)}
    assert person not in services.suggest_pair(later)
    with pytest.raises(ValidationError, match="may have been recognised at"):
        services.assign(visit=later, volunteer=person, by=coordinator)
    elsewhere = make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=32))
    assert person in {candidate.volunteer for candidate in services.candidates(elsewhere)}
    after_a_year = make_visit(coordinator=coordinator, contact_point=point, day=next_weekday(weeks_ahead=56))
    assert person in {candidate.volunteer for candidate in services.candidates(after_a_year)}


# --- The mix of a pair ---------------------------------------------------------------------------


def test_a_suggested_partner_adds_to_the_mix(coordinator):
    visit = make_visit(coordinator=coordinator)
    booked_person = ready_volunteer(gender=Gender.WOMAN, disability=Disability.NO)
    services.assign(visit=visit, volunteer=booked_person, by=coordinator)
    ready_volunteer(last_name="Aaron", gender=Gender.WOMAN, disability=Disability.NO)  # ranked first, same mix
    different = ready_volunteer(last_name="Zukowski", gender=Gender.MAN, disability=Disability.YES)
    assert services.suggest_pair(visit) == [different]


def test_an_undeclared_answer_is_never_counted_as_a_difference(coordinator):
    visit = make_visit(coordinator=coordinator)
    services.assign(visit=visit, volunteer=ready_volunteer(gender=Gender.WOMAN), by=coordinator)
    first = ready_volunteer(last_name="Aaron", gender=Gender.WOMAN)
    ready_volunteer(last_name="Zukowski", gender=Gender.PREFER_NOT)
    assert services.suggest_pair(visit) == [first], "ranking decides when nobody adds to the mix"
