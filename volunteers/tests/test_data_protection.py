"""Data protection end to end: the subject-access export holds everything, erasure through its pages, retention jobs."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from mysteryshop.models import AuditAction, AuditEvent, PasswordResetRequest, User
from mysteryshop.tests.factories import TEST_PASSWORD
from reports.tests.test_rollups import approved_report
from visits import services as visit_services
from visits.models import Evidence, SubmissionStatus, VisitStatus
from visits.tests.factories import make_visit, next_weekday
from volunteers import services
from volunteers.models import AwayPeriod, ExpenseClaim, ExpenseItem, Receipt, Status, Volunteer

from .factories import VolunteerFactory


@pytest.fixture
def reporter(coordinator):
    """A volunteer with an approved report, a day away, an expense claim with a receipt, and a sign-in."""
    report = approved_report(coordinator)
    person = report.assignment.volunteer
    person.first_name, person.last_name, person.needs = "Winifred", "Quartermaine", "Hearing loop please"
    person.save()
    AwayPeriod.objects.create(
        volunteer=person, starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=3)
    )
    claim = services.create_expense_claim(
        volunteer=person, purpose="Bus to the front desk",
        items=[{"kind": ExpenseItem.Kind.FARE, "description": "Return fare", "amount_pence": 450}],
    )  # fmt: skip
    Receipt.objects.create(
        claim=claim, file=ContentFile(b"%PDF-1.4 receipt", name="r.pdf"), content_type="application/pdf",
        original_name="bus-ticket.pdf", size=16,
    )  # fmt: skip
    return report


def export_of(client, person) -> dict:
    response = client.get(reverse("volunteers:volunteer-export", args=[person.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_subject_access_export_holds_everything_about_the_person(client, client_for, coordinator, reporter):
    person = reporter.assignment.volunteer
    client.post(reverse("login"), {"username": person.user.username, "password": TEST_PASSWORD})
    client.post(reverse("logout"))
    data = export_of(client_for(coordinator), person)

    assert data["profile"]["first_name"] == "Winifred" and data["profile"]["needs"] == "Hearing loop please"
    assert data["account"]["username"] == person.user.username
    assert data["declarations"]["unspent_convictions"] is False
    assert data["status_history"] is not None and data["availability"], "application and availability"
    assert data["away"] and data["training"][0]["attended"] is True
    claim = data["expense_claims"][0]
    assert claim["items"][0]["description"] == "Return fare" and claim["receipts"] == ["bus-ticket.pdf"]
    booking = data["visits"]["bookings"][0]
    assert booking["visit"]["contact_point"] == reporter.assignment.visit.contact_point.name
    assert booking["report"]["status"] == SubmissionStatus.APPROVED
    answers = {answer["question"]: answer["answer"] for answer in booking["report"]["answers"]}
    assert answers["Were you greeted?"] is True and answers["How long did you wait?"] == 60
    actions = {(event["action"], event["object_type"]) for event in data["audit_events"]}
    assert (AuditAction.SIGNED_IN, "mysteryshop.user") in actions
    assert (AuditAction.SIGNED_OUT, "mysteryshop.user") in actions
    assert (AuditAction.CREATED, "visits.assignment") in actions
    assert (AuditAction.CHANGED, "visits.submission") in actions
    assert (AuditAction.CHANGED, "volunteers.volunteer") in actions


def test_the_export_holds_check_in_and_out_times_and_the_recognised_flag_with_its_note(
    client_for, coordinator, reporter
):
    from visits import safety
    from visits.models import Assignment

    assignment = reporter.assignment
    visit = assignment.visit
    Assignment.objects.filter(pk=assignment.pk).update(
        checked_in_at=visit.starts_at, checked_out_at=visit.ends_at - timedelta(minutes=2)
    )
    with time_machine.travel(visit.ends_at, tick=False):
        safety.report_recognised(assignment=assignment, by=assignment.volunteer.user, note="The PCSO is my neighbour.")
    booking = export_of(client_for(coordinator), assignment.volunteer)["visits"]["bookings"][0]
    assert booking["checked_in_at"] == visit.starts_at.isoformat()
    assert booking["checked_out_at"] == (visit.ends_at - timedelta(minutes=2)).isoformat()
    assert booking["thinks_they_were_recognised"] is True and booking["recognised_note"] == "The PCSO is my neighbour."
    assert booking["recognised_at"] == visit.ends_at.isoformat()
    assert booking["report"]["kept_out_of_results"] is True
    assert "The PCSO is my neighbour." in booking["report"]["kept_out_because"]
    assert [event["action"] for event in booking["report"]["history"]][-1] == "excluded"


def test_erasure_removes_what_they_wrote_about_being_recognised(client_for, coordinator, reporter):
    from visits import safety
    from visits.models import Assignment, SubmissionEvent

    assignment = reporter.assignment
    with time_machine.travel(assignment.visit.ends_at, tick=False):
        safety.report_recognised(assignment=assignment, by=assignment.volunteer.user, note="The PCSO is my neighbour.")
    services.erase(volunteer=assignment.volunteer, by=coordinator, reason="Asked by letter")
    assignment = Assignment.objects.get(pk=assignment.pk)
    assert assignment.recognised_at is not None and assignment.recognised_note == ""
    reporter.refresh_from_db()
    assert reporter.excluded and "neighbour" not in reporter.excluded_reason
    assert not SubmissionEvent.objects.filter(comment__contains="neighbour").exists()


def test_the_export_itself_is_recorded(client_for, coordinator, reporter):
    export_of(client_for(coordinator), reporter.assignment.volunteer)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORTED, username="coordinator").count() == 1


def test_erasure_asks_for_confirmation_then_anonymises_and_keeps_approved_answers(client_for, coordinator, reporter):
    person = reporter.assignment.volunteer
    user_id = person.user_id
    future = make_visit(coordinator=coordinator, day=next_weekday(weekday=2, weeks_ahead=4))
    booking = visit_services.assign(visit=future, volunteer=person, by=coordinator)
    client = client_for(coordinator)
    url = reverse("volunteers:volunteer-erase", args=[person.pk])

    page = client.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert Volunteer.objects.get(pk=person.pk).anonymised_at is None, "showing the page changes nothing"

    refused = client.post(url, {"reason": ""})
    content = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in content
    assert "Give the reason" in content and "Tick the box" in content
    assert Volunteer.objects.get(pk=person.pk).anonymised_at is None

    response = client.post(url, {"reason": "Asked by e-mail on 3 December", "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()

    person.refresh_from_db()
    assert person.anonymised_at is not None and person.status == Status.LEFT
    assert person.first_name == "Anonymised" and person.needs == "" and person.postcode == ""
    assert person.user is None and not User.objects.filter(pk=user_id).exists()
    assert not person.away_periods.exists() and not Receipt.objects.filter(claim__volunteer=person).exists()
    assert ExpenseClaim.objects.get(volunteer=person).total_pence == 450, "amounts stay for finance"
    reporter.refresh_from_db()
    assert reporter.status == SubmissionStatus.APPROVED and reporter.answers.count() == 3, "results stay"
    booking.refresh_from_db()
    assert booking.declined_at is not None and booking.visit.status == VisitStatus.PLANNED
    erased = AuditEvent.objects.get(action=AuditAction.ERASED)
    assert (erased.username, erased.object_id) == ("coordinator", str(person.pk))
    assert not AuditEvent.objects.filter(description__icontains="Quartermaine").exists()
    assert not AuditEvent.objects.filter(description__icontains="Asked by e-mail").exists()

    data = export_of(client, person)
    assert "Winifred" not in json.dumps(data) and data["account"] is None
    assert data["visits"]["bookings"][0]["report"]["answers"], "the export after erasure still shows the results"

    again = client.post(url, {"reason": "Again", "confirm": "on"})
    assert again.status_code == 200 and "already been erased" in again.content.decode()


def test_an_applicant_who_asks_is_not_taken_forward_and_erased(client_for, coordinator):
    person = VolunteerFactory(status=Status.APPLIED, first_name="Ottoline")
    client_for(coordinator).post(
        reverse("volunteers:volunteer-erase", args=[person.pk]), {"reason": "Asked by phone", "confirm": "on"}
    )
    person.refresh_from_db()
    assert person.status == Status.REJECTED and person.first_name == "Anonymised"


@pytest.mark.parametrize("role", ["commissioner", "force_liaison", "volunteer", "other_volunteer", "applicant"])
def test_only_coordinators_may_erase(db, client_for, request, role):
    person = VolunteerFactory(first_name="Kept")
    client = client_for(request.getfixturevalue(role))
    url = reverse("volunteers:volunteer-erase", args=[person.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Forged", "confirm": "on"}).status_code == 403
    assert Volunteer.objects.get(pk=person.pk).first_name == "Kept"


def test_signed_out_visitors_are_sent_to_sign_in_to_erase(client, db):
    person = VolunteerFactory()
    response = client.post(reverse("volunteers:volunteer-erase", args=[person.pk]), {"confirm": "on"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_erasing_someone_who_does_not_exist_is_not_found(client_for, coordinator):
    assert client_for(coordinator).get(reverse("volunteers:volunteer-erase", args=[999999])).status_code == 404


# --- Retention ----------------------------------------------------------------------------------


def test_unsuccessful_applicants_are_anonymised_sooner_than_people_who_left(db, settings):
    settings.MYSTERYSHOP_RETENTION_DAYS, settings.MYSTERYSHOP_REJECTED_RETENTION_DAYS = 365, 180
    rejected = VolunteerFactory(status=Status.REJECTED, ended_at=timezone.now())
    left = VolunteerFactory(status=Status.LEFT, ended_at=timezone.now())
    with time_machine.travel(timezone.now() + timedelta(days=181)):
        assert services.anonymise_expired() == 1
    assert Volunteer.objects.get(pk=rejected.pk).anonymised_at is not None
    assert Volunteer.objects.get(pk=left.pk).anonymised_at is None


def test_receipts_are_deleted_after_their_retention_period_and_the_claim_stays(reporter, coordinator, settings):
    settings.MYSTERYSHOP_RECEIPT_RETENTION_DAYS = 730
    claim = ExpenseClaim.objects.get()
    services.decide_expense_claim(claim=claim, by=coordinator, approve=True)
    receipt = Receipt.objects.get()
    stored = receipt.file.name
    assert services.delete_expired_receipts() == 0
    with time_machine.travel(timezone.now() + timedelta(days=731)):
        from volunteers.tasks import delete_expired_receipts

        assert delete_expired_receipts() == 1
    assert not Receipt.objects.exists() and not receipt.file.storage.exists(stored)
    assert ExpenseClaim.objects.get().total_pence == 450


def test_evidence_photos_are_deleted_after_their_retention_period_and_the_report_stays(reporter, settings):
    settings.MYSTERYSHOP_EVIDENCE_RETENTION_DAYS = 365
    photo = Evidence.objects.create(
        submission=reporter, file=ContentFile(b"\xff\xd8 jpeg", name="p.jpg"), content_type="image/jpeg"
    )
    stored = photo.file.name
    from visits.tasks import delete_expired_evidence

    assert delete_expired_evidence() == 0
    with time_machine.travel(reporter.assignment.visit.starts_at + timedelta(days=366)):
        assert delete_expired_evidence() == 1
    assert not Evidence.objects.exists() and not photo.file.storage.exists(stored)
    assert reporter.answers.count() == 3


def test_throttling_records_are_cleared_after_a_day(client, volunteer, settings):
    settings.MYSTERYSHOP_THROTTLE_RECORD_HOURS = 24
    client.post(reverse("login"), {"username": "volunteer", "password": "wrong-password"})
    PasswordResetRequest.objects.create(client="x", email="y")
    from volunteers.models import ApplicationAttempt

    ApplicationAttempt.objects.create(client="a-salted-hash")
    from mysteryshop.tasks import clear_throttling_records
    from volunteers.tasks import forget_application_addresses

    assert clear_throttling_records() == 0 and forget_application_addresses() == 0
    assert AccessAttempt.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert clear_throttling_records() == 2
        assert forget_application_addresses() == 1
    assert not AccessAttempt.objects.exists() and not PasswordResetRequest.objects.exists()
    assert not ApplicationAttempt.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGNIN_FAILED).count() == 1, "the audit log keeps its record"


def test_every_retention_job_is_scheduled_in_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "volunteers.anonymise_expired",
        "volunteers.delete_expired_receipts",
        "volunteers.forget_application_addresses",
        "visits.delete_expired_evidence",
        "mysteryshop.clear_throttling_records",
        "mysteryshop.clear_expired_sessions",
    } <= tasks


def test_the_privacy_notice_is_public_and_linked_from_every_page_footer_and_the_application_form(client, db):
    notice = reverse("volunteers:privacy-notice")
    assert client.get(notice).status_code == 200
    for page in (reverse("home"), reverse("volunteers:application-create")):
        assert f'href="{notice}"' in client.get(page).content.decode()
    footer = client.get(reverse("home")).content.decode().split("<footer", 1)[1]
    assert f'href="{notice}"' in footer


def test_the_export_holds_page_times_and_corrections_and_erasure_removes_the_reasons(client_for, coordinator, reporter):
    from visits.models import AnswerChange, PageTiming
    from visits.tests.test_capture import q

    section = reporter.version.sections.order_by("order").first()
    PageTiming.objects.create(
        submission=reporter, section=section, first_opened_at=reporter.started_at, last_saved_at=reporter.submitted_at
    )
    AnswerChange.objects.create(
        submission=reporter, question=q(reporter.version, "Were you greeted?"), before=False, after=True,
        reason="My neighbour PC Dobbs reminded me.",
    )  # fmt: skip
    (booking,) = export_of(client_for(coordinator), reporter.assignment.volunteer)["visits"]["bookings"]
    assert booking["report"]["page_times"][0]["page"] == section.title
    assert booking["report"]["answers_changed_after_a_return"][0]["reason"] == "My neighbour PC Dobbs reminded me."
    services.erase(volunteer=reporter.assignment.volunteer, by=coordinator, reason="Asked by letter")
    change = AnswerChange.objects.get()
    assert "Dobbs" not in change.reason and (change.before, change.after) == (False, True)
