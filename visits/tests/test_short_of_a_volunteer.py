"""Nobody goes on an in-person visit alone: when one of a pair drops out (declines, is away, is erased),
the partner is told, the visit is held short of a volunteer, and it goes ahead only once a replacement
accepts; otherwise it is cancelled before it starts, and everyone booked is told."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from conftest import delivered_email
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios.tests.factories import ContactPointFactory
from visits import safety, services, tasks
from visits.models import Visit, VisitStatus
from volunteers import services as volunteer_services

from .factories import approved_scenario, make_visit, ready_volunteer


@pytest.fixture
def pair(coordinator, django_capture_on_commit_callbacks):
    """An in-person visit two weeks ahead with both volunteers booked and accepted; e-mails so far cleared."""
    visit = make_visit(coordinator=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
        for assignment in (first, second):
            services.accept(assignment=assignment, by=assignment.volunteer.user)
    delivered_email().clear()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONFIRMED
    return visit, first, second


def decline_on_the_page(client_for, assignment, callbacks, reason="My mother is in hospital"):
    with callbacks(execute=True):
        response = client_for(assignment.volunteer.user).post(
            reverse("visits:assignment-decline", args=[assignment.pk]), {"reason": reason}
        )
    assert response.status_code == 302
    return response


def sent_to(volunteer_or_user):
    return [message for message in delivered_email() if message.to == [volunteer_or_user.email]]


def test_when_one_of_a_pair_declines_the_partner_is_told_not_to_go_alone(
    client_for, pair, coordinator, django_capture_on_commit_callbacks
):
    visit, leaving, staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    (told,) = sent_to(staying.volunteer)
    assert "do not go alone" in told.subject.lower() and "Please do not go alone" in told.body
    assert "My mother is in hospital" not in told.body, "the partner is not told the other's reasons"
    assert f"http://testserver{staying.get_absolute_url()}" in told.body
    (coordinator_told,) = sent_to(coordinator)
    assert "My mother is in hospital" in coordinator_told.body
    assert "told not to go alone" in coordinator_told.body
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and visit.short_since is not None
    assert list(Visit.objects.held()) == [visit]


def test_the_partners_page_says_the_visit_is_on_hold_and_check_in_is_refused(
    client_for, pair, django_capture_on_commit_callbacks
):
    visit, leaving, staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    page = client_for(staying.volunteer.user).get(staying.get_absolute_url()).content.decode()
    assert "On hold: please do not go alone" in page
    assert "With: nobody at the moment." in page
    assert "If you have not both checked out" not in page
    assert (
        "On hold, short of a volunteer"
        in client_for(staying.volunteer.user).get(reverse("visits:my-visits")).content.decode()
    )
    with time_machine.travel(visit.starts_at - timedelta(minutes=10), tick=False):
        client = client_for(staying.volunteer.user)
        page = client.get(staying.get_absolute_url()).content.decode()
        assert "I have arrived</button>" not in page and "You cannot check in while the visit is on hold" in page
        response = client.post(reverse("visits:assignment-check-in", args=[staying.pk]), follow=True)
    assert "on hold" in response.content.decode()
    staying.refresh_from_db()
    assert staying.checked_in_at is None


def test_coordinators_see_the_visit_short_of_a_volunteer(
    client_for, pair, coordinator, django_capture_on_commit_callbacks
):
    visit, leaving, _staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    client = client_for(coordinator)
    home = client.get(reverse("reports:coordinator-home")).content.decode()
    assert "1 visit is short of a volunteer" in home
    short = client.get(reverse("visits:visit-list") + "?show=short").content.decode()
    assert visit.get_absolute_url() in short and "Short of a volunteer (1)" in short
    upcoming = client.get(reverse("visits:visit-list")).content.decode()
    assert "1 of 2" in upcoming and "badge text-bg-warning" in upcoming
    detail = client.get(visit.get_absolute_url()).content.decode()
    assert "Short of a volunteer: on hold" in detail and "cancelled automatically" in detail


def test_a_replacement_who_accepts_lifts_the_hold_and_the_partner_is_told(
    client_for, pair, coordinator, django_capture_on_commit_callbacks
):
    visit, leaving, staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    replacement = ready_volunteer()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(reverse("visits:visit-assign", args=[visit.pk]), {"volunteer": replacement.pk})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ASSIGNED
    assert "newly booked on it accepts" in visit.hold_reason(), "booked is not enough: they must accept"
    assert list(Visit.objects.held()) == [visit]
    new = visit.assignments.get(volunteer=replacement)
    joining = client_for(replacement.user)
    their_page = joining.get(new.get_absolute_url()).content.decode()
    assert "You are booked in place of a volunteer who can no longer go" in their_page
    assert "On hold: please do not go alone" not in their_page, "the visit waits for them, not on them"
    assert "On hold" not in joining.get(reverse("visits:my-visits")).content.decode()
    still_waiting = client_for(staying.volunteer.user).get(staying.get_absolute_url()).content.decode()
    assert "On hold: please do not go alone" in still_waiting
    delivered_email().clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(replacement.user).post(reverse("visits:assignment-accept", args=[new.pk]))
    visit.refresh_from_db()
    assert visit.short_since is None and visit.hold_reason() == "" and not Visit.objects.held().exists()
    assert visit.status == VisitStatus.CONFIRMED
    (told,) = sent_to(staying.volunteer)
    assert told.subject == "Your mystery shop visit is going ahead"
    assert f"{replacement.first_name} {replacement.last_name[0]}." in told.body
    page = client_for(staying.volunteer.user).get(staying.get_absolute_url()).content.decode()
    assert f"With: {replacement.first_name}" in page and "On hold" not in page
    with time_machine.travel(visit.starts_at, tick=False):
        safety.check_in(assignment=staying, by=staying.volunteer.user)


def test_a_visit_still_short_at_its_deadline_is_cancelled_and_everyone_is_told(
    client_for, pair, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS = 2
    visit, leaving, staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    delivered_email().clear()
    with time_machine.travel(visit.starts_at - timedelta(hours=3), tick=False):
        assert tasks.cancel_held_visits() == 0, "not yet: a replacement may still be found"
    with (
        time_machine.travel(visit.starts_at - timedelta(hours=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.cancel_held_visits() == 1
        assert tasks.cancel_held_visits() == 0, "a second run cancels and tells nobody again"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    (told,) = sent_to(staying.volunteer)
    assert "cancelled" in told.subject and "nobody goes on an in-person visit alone" in told.body
    (_name, content, _type) = told.attachments[0]
    assert Calendar.from_ical(content).get("method") == "CANCEL"
    (coordinator_told,) = sent_to(coordinator)
    assert "cancelled automatically" in coordinator_told.body
    with time_machine.travel(visit.ends_at + timedelta(hours=1), tick=False):
        assert safety.raise_check_out_alerts() == 0, "no check-out alert for a visit that did not go ahead"


def test_declining_after_the_deadline_cancels_the_visit_at_once(
    client_for, pair, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MYSTERYSHOP_HELD_VISIT_CANCEL_HOURS = 2
    visit, leaving, staying = pair
    with time_machine.travel(visit.starts_at - timedelta(hours=1), tick=False):
        decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    (told,) = sent_to(staying.volunteer)
    assert "cancelled" in told.subject
    (coordinator_told,) = sent_to(coordinator)
    assert "cancelled now" in coordinator_told.body


def test_no_reminder_goes_out_for_a_visit_on_hold(client_for, pair, django_capture_on_commit_callbacks):
    visit, leaving, staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    delivered_email().clear()
    with time_machine.travel(visit.starts_at - timedelta(hours=20), tick=False):
        assert services.send_reminders() == 0
    assert sent_to(staying.volunteer) == []


def test_erasing_one_of_a_pair_tells_the_partner_and_holds_the_visit(
    pair, coordinator, django_capture_on_commit_callbacks
):
    visit, leaving, staying = pair
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_services.erase(volunteer=leaving.volunteer, by=coordinator, reason="Asked by letter")
    (told,) = sent_to(staying.volunteer)
    assert "Please do not go alone" in told.body
    visit.refresh_from_db()
    assert visit.short_since is not None and list(Visit.objects.held()) == [visit]
    assert sent_to(coordinator), "the coordinator who booked them is told to find someone else"


def test_an_in_person_visit_with_only_one_volunteer_booked_is_held(coordinator):
    visit = make_visit(coordinator=coordinator)
    only = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    assert "only one is booked" in visit.hold_reason()
    assert list(Visit.objects.held()) == [visit]
    with time_machine.travel(visit.starts_at, tick=False), pytest.raises(Exception, match="only one is booked"):
        safety.check_in(assignment=only, by=only.volunteer.user)


def test_a_phone_call_made_alone_is_never_held(coordinator):
    line = ContactPointFactory(channel="phone_101", always_open=True)
    scenario = approved_scenario(channel="phone_101", volunteers_needed=2)
    visit = make_visit(coordinator=coordinator, scenario=scenario, contact_point=line)
    first, second = [services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator) for _ in range(2)]
    services.decline(assignment=first, by=first.volunteer.user)
    visit.refresh_from_db()
    assert visit.short_since is None and visit.hold_reason() == "" and not Visit.objects.held().exists()


def test_only_the_coordinators_on_duty_hear_of_an_automatic_cancellation(
    client_for, pair, coordinator, settings, django_capture_on_commit_callbacks
):
    someone_else = UserFactory(roles=[Role.COORDINATOR], email="someone.else@example.org")
    visit, leaving, _staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    delivered_email().clear()
    with time_machine.travel(visit.starts_at, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.cancel_held_visits()
    assert sent_to(coordinator) and not sent_to(someone_else)


def test_someone_who_declined_is_not_offered_or_suggested_for_the_visit_again(
    client_for, pair, coordinator, django_capture_on_commit_callbacks
):
    visit, leaving, _staying = pair
    decline_on_the_page(client_for, leaving, django_capture_on_commit_callbacks)
    assert leaving.volunteer not in {candidate.volunteer for candidate in services.candidates(visit)}
    assert services.suggest_pair(visit) == [], "nobody else can go, and the one who declined is not rebooked"


def test_suggesting_a_pair_books_nobody_when_only_one_can_go(client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    ready_volunteer()
    response = client_for(coordinator).post(reverse("visits:visit-suggest", args=[visit.pk]), follow=True)
    assert "Nobody was booked" in response.content.decode()
    assert not visit.assignments.exists() and not Visit.objects.held().exists()


@pytest.mark.parametrize("status", ["paused", "left"])
def test_pausing_or_ending_one_of_a_pair_gives_up_their_place_and_tells_the_partner(
    client_for, pair, coordinator, status, django_capture_on_commit_callbacks
):
    visit, leaving, staying = pair
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("volunteers:volunteer-transition", args=[leaving.volunteer.pk]),
            {"to": status, "reason": "Moving away for a while"},
        )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.declined_at is not None
    assert any("Please do not go alone" in m.body for m in sent_to(staying.volunteer))
    assert list(Visit.objects.held()) == [visit]
    event = visit.events.order_by("-pk").first()
    assert event.reason == f"A volunteer was moved to “{'paused' if status == 'paused' else 'left'}”."
