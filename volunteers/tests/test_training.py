from datetime import timedelta

import pytest
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
