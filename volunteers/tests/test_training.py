from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from volunteers import services
from volunteers.models import TrainingBooking, Volunteer

from .factories import TrainingSessionFactory, VolunteerFactory


def test_coordinator_invites_and_the_volunteer_books_a_place(client_for, coordinator, volunteer, sent_email):
    session = TrainingSessionFactory()
    own = Volunteer.objects.get(user=volunteer)
    client_for(coordinator).post(reverse("volunteers:training-invite", args=[session.pk]), {"volunteers": [own.pk]})
    assert sent_email()[-1].to == [own.email]
    client_for(volunteer).post(reverse("volunteers:training-book", args=[session.pk]))
    assert TrainingBooking.objects.get(session=session, volunteer=own).booked_at is not None


def test_an_invited_volunteer_can_still_book_after_someone_else_has(client_for, volunteer):
    session = TrainingSessionFactory()
    first = VolunteerFactory()
    TrainingBooking.objects.create(session=session, volunteer=first, booked_at=timezone.now())
    TrainingBooking.objects.create(session=session, volunteer=volunteer.volunteer, invited_at=timezone.now())
    response = client_for(volunteer).get(reverse("volunteers:my-training"))
    assert list(response.context["open_sessions"]) == [session]


def test_booking_stops_at_capacity_with_a_clear_message(db):
    session = TrainingSessionFactory(capacity=1)
    services.book(session=session, volunteer=VolunteerFactory())
    with pytest.raises(ValidationError, match="this session is full"):
        services.book(session=session, volunteer=VolunteerFactory())


def test_a_past_session_cannot_be_booked(db):
    session = TrainingSessionFactory(starts_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError, match="already started"):
        services.book(session=session, volunteer=VolunteerFactory())


def test_coordinator_records_attendance(client_for, coordinator, db):
    session = TrainingSessionFactory()
    present, absent = VolunteerFactory(), VolunteerFactory()
    for person in (present, absent):
        services.book(session=session, volunteer=person)
    with time_machine.travel(session.ends_at, tick=False):
        client_for(coordinator).post(
            reverse("volunteers:training-attendance", args=[session.pk]), {"attended": [present.pk]}
        )
    assert TrainingBooking.objects.get(volunteer=present).attended is True
    assert TrainingBooking.objects.get(volunteer=absent).attended is False


def test_volunteers_cannot_record_attendance(client_for, volunteer, db):
    session = TrainingSessionFactory()
    assert client_for(volunteer).post(reverse("volunteers:training-attendance", args=[session.pk])).status_code == 403


def test_coordinator_names_a_required_module_and_its_refresh_period(client_for, coordinator):
    from volunteers.models import TrainingModule

    response = client_for(coordinator).post(
        reverse("volunteers:module-create"), {"name": "Safeguarding", "required": "on", "refresh_months": "24"}
    )
    assert response.status_code == 302
    module = TrainingModule.objects.get(name="Safeguarding")
    assert module.required and module.refresh_months == 24


def test_only_coordinators_change_training_modules(client_for, commissioner, volunteer):
    for user in (commissioner, volunteer):
        assert client_for(user).post(reverse("volunteers:module-create"), {"name": "X"}).status_code == 403


# --- Attendance only once a session has happened (issue 22, item 4) ---------------------------------------


def test_attendance_cannot_be_recorded_before_the_session_happens(client_for, coordinator, db):
    session = TrainingSessionFactory(starts_at=timezone.now() + timedelta(days=3))
    person = VolunteerFactory()
    services.book(session=session, volunteer=person)
    client = client_for(coordinator)
    page = client.get(reverse("volunteers:training-detail", args=[session.pk])).content.decode()
    assert "Save attendance" not in page and "once the session has started" in page
    response = client.post(
        reverse("volunteers:training-attendance", args=[session.pk]), {"attended": [person.pk]}, follow=True
    )
    assert "has not happened yet" in response.content.decode()
    assert TrainingBooking.objects.get(volunteer=person).attended is None
    record = services.training_record(person, on=timezone.localdate())
    assert all(not row["current"] for row in record)


def test_a_future_session_marked_attended_does_not_make_the_record_up_to_date(db):
    session = TrainingSessionFactory(starts_at=timezone.now() + timedelta(days=3))
    person = VolunteerFactory()
    TrainingBooking.objects.create(session=session, volunteer=person, booked_at=timezone.now(), attended=True)
    (row,) = [
        row for row in services.training_record(person, on=timezone.localdate()) if row["module"] == session.module
    ]
    assert row["current"] is False and row["last"] is None


# --- A volunteer cancels their own place (issue 22, item 11) ---------------------------------------------


def test_a_volunteer_cancels_their_place_and_it_is_free_again(client_for, volunteer):
    session = TrainingSessionFactory(capacity=1)
    own = volunteer.volunteer
    services.book(session=session, volunteer=own)
    client = client_for(volunteer)
    page = client.get(reverse("volunteers:my-training")).content.decode()
    assert "Cancel my place" in page
    response = client.post(reverse("volunteers:training-cancel", args=[session.pk]), follow=True)
    assert "is cancelled" in response.content.decode()
    assert TrainingBooking.objects.get(session=session, volunteer=own).booked_at is None
    client.post(reverse("volunteers:training-cancel", args=[session.pk]))  # twice: nothing changes
    services.book(session=session, volunteer=VolunteerFactory())  # the place is free for someone else


def test_a_place_cannot_be_cancelled_once_the_session_has_started(client_for, volunteer):
    session = TrainingSessionFactory()
    services.book(session=session, volunteer=volunteer.volunteer)
    with time_machine.travel(session.starts_at + timedelta(minutes=5), tick=False):
        client = client_for(volunteer)
        assert "Cancel my place" not in client.get(reverse("volunteers:my-training")).content.decode()
        response = client.post(reverse("volunteers:training-cancel", args=[session.pk]), follow=True)
    assert "already started" in response.content.decode()
    assert TrainingBooking.objects.get(session=session).booked_at is not None


def test_cancelling_refuses_get_and_someone_elses_place_stays(client_for, volunteer, other_volunteer):
    session = TrainingSessionFactory()
    services.book(session=session, volunteer=volunteer.volunteer)
    assert client_for(other_volunteer).get(reverse("volunteers:training-cancel", args=[session.pk])).status_code == 405
    response = client_for(other_volunteer).post(reverse("volunteers:training-cancel", args=[session.pk]), follow=True)
    assert "not booked on this session" in response.content.decode()
    assert TrainingBooking.objects.get(session=session).booked_at is not None


def test_nonsense_in_a_list_of_ticked_boxes_is_ignored_never_a_server_error(client_for, coordinator, volunteer):
    """Every page where boxes are ticked (invitations, attendance, approving several) reads them one way."""
    session = TrainingSessionFactory()
    own = Volunteer.objects.get(user=volunteer)
    client = client_for(coordinator)
    posts = [
        (reverse("volunteers:training-invite", args=[session.pk]), "volunteers"),
        (reverse("volunteers:training-attendance", args=[session.pk]), "attended"),
        (reverse("volunteers:expense-approve-many"), "chosen"),
        (reverse("visits:review-approve-many"), "chosen"),
    ]
    for url, name in posts:
        response = client.post(url, {name: ["abc", "-1", "1e3", "", str(own.pk)]})
        assert response.status_code == 302, (url, response.status_code)
