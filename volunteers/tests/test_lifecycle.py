"""Coordinators move people through the lifecycle; each step has who, when and why."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from volunteers import services
from volunteers.models import Status

from .factories import VolunteerFactory


@pytest.fixture
def applied(db):
    return VolunteerFactory(status=Status.APPLIED, email="new.person@example.org")


def step(client, volunteer, to, reason=""):
    return client.post(reverse("volunteers:volunteer-transition", args=[volunteer.pk]), {"to": to, "reason": reason})


def test_coordinator_moves_an_applicant_to_screening_with_history(client_for, coordinator, applied):
    step(client_for(coordinator), applied, "screening", "Phoned; keen.")
    applied.refresh_from_db()
    assert applied.status == Status.SCREENING
    change = applied.status_changes.get()
    assert (change.by, change.reason, change.from_status) == (coordinator, "Phoned; keen.", "applied")


def test_an_invalid_step_is_refused_with_a_message(client_for, coordinator, applied):
    response = step(client_for(coordinator), applied, "active")
    applied.refresh_from_db()
    assert applied.status == Status.APPLIED
    assert response.status_code == 302
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.transition(volunteer=applied, to=Status.ACTIVE, by=coordinator)


def test_rejecting_needs_a_reason(coordinator, applied):
    with pytest.raises(ValidationError, match="Give a reason"):
        services.transition(volunteer=applied, to=Status.REJECTED, by=coordinator)


def test_entering_training_creates_an_account_and_emails_an_invitation(
    coordinator, applied, django_capture_on_commit_callbacks, sent_email
):
    services.transition(volunteer=applied, to=Status.SCREENING, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(volunteer=applied, to=Status.TRAINING, by=coordinator)
    applied.refresh_from_db()
    assert applied.user.has_role("Applicant")
    assert not applied.user.has_usable_password()
    assert "/accounts/reset/" in sent_email()[-1].body


def test_becoming_active_gives_the_volunteer_role_and_leaving_ends_access(coordinator, db):
    volunteer = VolunteerFactory(status=Status.TRAINING)
    services._invite_to_sign_in(volunteer)
    services.transition(volunteer=volunteer, to=Status.ACTIVE, by=coordinator)
    volunteer.refresh_from_db()
    assert volunteer.user.has_role("Volunteer")
    services.transition(volunteer=volunteer, to=Status.LEFT, by=coordinator, reason="Moved away")
    volunteer.refresh_from_db()
    volunteer.user.refresh_from_db()
    assert not volunteer.user.is_active
    assert volunteer.ended_at is not None


def test_only_opcc_staff_change_status(volunteer, applied, client_for):
    with pytest.raises(PermissionDenied):
        services.transition(volunteer=applied, to=Status.SCREENING, by=volunteer)
    assert step(client_for(volunteer), applied, "screening").status_code == 403


def test_status_change_refuses_get(client_for, coordinator, applied):
    assert client_for(coordinator).get(reverse("volunteers:volunteer-transition", args=[applied.pk])).status_code == 405


def test_coordinators_filter_and_search_applications(client_for, coordinator, db):
    VolunteerFactory(first_name="Findme", status=Status.SCREENING)
    VolunteerFactory(first_name="Other", status=Status.APPLIED)
    content = (
        client_for(coordinator)
        .get(reverse("volunteers:volunteer-list"), {"q": "findme", "status": "screening"})
        .content.decode()
    )
    assert "Findme" in content and "Other" not in content


def test_the_volunteer_list_runs_a_fixed_number_of_queries(client_for, coordinator, django_assert_max_num_queries):
    client = client_for(coordinator)
    VolunteerFactory.create_batch(2)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("volunteers:volunteer-list"))
    VolunteerFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("volunteers:volunteer-list"))


@pytest.mark.parametrize("role", ["volunteer", "force_liaison", "applicant"])
def test_only_opcc_staff_see_volunteers(role, request, client_for, applied):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("volunteers:volunteer-list")).status_code == 403
    assert client.get(reverse("volunteers:volunteer-detail", args=[applied.pk])).status_code == 403


# --- Becoming active needs the required training, or a recorded reason (issue 15, item 12) -----------


@pytest.fixture
def in_training(db):
    from .factories import TrainingModuleFactory

    TrainingModuleFactory(name="Induction", required=True)
    TrainingModuleFactory(name="Writing good reports", required=False)
    volunteer = VolunteerFactory(status=Status.TRAINING, first_name="Nina", last_name="Ray")
    services._invite_to_sign_in(volunteer)
    return volunteer


def test_someone_without_the_required_training_is_not_made_active(client_for, coordinator, in_training):
    response = step(client_for(coordinator), in_training, "active")
    in_training.refresh_from_db()
    assert in_training.status == Status.TRAINING
    page = client_for(coordinator).get(response["Location"]).content.decode()
    assert "has not done the required training: Induction." in page
    assert "Writing good reports" not in page.split("has not done the required training")[1][:60]
    assert "Required training not done yet: Induction." in page, "the page warns before the step is tried"


def test_a_recorded_reason_makes_them_active_anyway_and_is_kept(client_for, coordinator, in_training):
    step(client_for(coordinator), in_training, "active", "Trained by the previous scheme in 2025; certificate seen.")
    in_training.refresh_from_db()
    assert in_training.status == Status.ACTIVE
    change = in_training.status_changes.get(to_status="active")
    assert change.reason == "Trained by the previous scheme in 2025; certificate seen."
    assert change.by == coordinator


def test_someone_with_the_required_training_is_made_active_without_a_reason(coordinator, in_training):
    from volunteers.models import TrainingModule

    from .factories import trained

    trained(in_training, TrainingModule.objects.get(name="Induction"))
    services.transition(volunteer=in_training, to=Status.ACTIVE, by=coordinator)
    in_training.refresh_from_db()
    assert in_training.status == Status.ACTIVE
