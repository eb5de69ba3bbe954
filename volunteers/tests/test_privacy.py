"""Retention, subject access, and people seeing only their own records."""

import json
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from volunteers import services
from volunteers.models import Status, StatusChange, Volunteer

from .factories import VolunteerFactory


def test_people_who_left_are_anonymised_after_the_retention_period(db, settings):
    settings.MYSTERYSHOP_RETENTION_DAYS = 365
    left = VolunteerFactory(status=Status.LEFT, ended_at=timezone.now(), first_name="Doreen", needs="Wheelchair user")
    StatusChange.objects.create(volunteer=left, to_status=Status.LEFT, reason="Moving to Leeds")
    active = VolunteerFactory(first_name="Active")
    with time_machine.travel(timezone.now() + timedelta(days=364)):
        assert services.anonymise_expired() == 0
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        assert services.anonymise_expired() == 1
        assert services.anonymise_expired() == 0, "running again changes nothing"
    left.refresh_from_db()
    assert left.first_name == "Anonymised" and left.needs == "" and left.postcode == ""
    assert left.status_changes.get().reason == ""
    assert left.status == Status.LEFT, "the record and its statistics stay"
    active.refresh_from_db()
    assert active.first_name == "Active"


def test_the_retention_task_runs_the_service(db, settings):
    from volunteers.tasks import anonymise_expired

    VolunteerFactory(
        status=Status.REJECTED, ended_at=timezone.now() - timedelta(days=settings.MYSTERYSHOP_RETENTION_DAYS + 1)
    )
    assert anonymise_expired() == 1
    assert Volunteer.objects.get().anonymised_at is not None


def test_coordinator_downloads_a_subject_access_export(client_for, coordinator, db):
    person = VolunteerFactory(first_name="Ada", email="ada@example.org")
    response = client_for(coordinator).get(reverse("volunteers:volunteer-export", args=[person.pk]))
    data = json.loads(response.content)
    assert data["profile"]["email"] == "ada@example.org"
    assert {"declarations", "status_history", "availability", "training", "expense_claims"} <= set(data)
    assert response["Content-Disposition"].startswith("attachment")


def test_volunteers_cannot_export_anyone(client_for, volunteer, db):
    person = VolunteerFactory()
    assert client_for(volunteer).get(reverse("volunteers:volunteer-export", args=[person.pk])).status_code == 403


def test_a_volunteer_edits_only_their_own_profile(client_for, volunteer, other_volunteer):
    client = client_for(volunteer)
    response = client.post(
        reverse("volunteers:profile"),
        {"first_name": "New", "last_name": "Name", "phone": "01785 232385", "postcode": "ST16 2DQ"},
    )
    assert response.status_code == 302
    assert Volunteer.objects.get(user=volunteer).first_name == "New"
    assert Volunteer.objects.get(user=other_volunteer).first_name != "New"


def test_an_anonymous_visitor_sees_only_public_pages(client, db):
    assert client.get(reverse("volunteers:application-create")).status_code == 200
    assert client.get(reverse("volunteers:privacy-notice")).status_code == 200
    assert client.get(reverse("volunteers:profile")).status_code == 302
