"""Evidence packs for appeals: made and shared by the OPCC, seen by the force only once shared, naming nobody."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from reports import evidence
from reports.models import EvidencePack
from visits import capture
from visits.models import AnswerChange, Assignment, PageTiming, Submission
from visits.tests.factories import ready_volunteer
from visits.tests.test_capture import q

from .test_appeals import appeal, rolled_up  # noqa: F401
from .test_findings import RAW_TEXT, REDACTED_TEXT, released_report  # noqa: F401

REASON = "I looked again at my notes from the desk."


@pytest.fixture
def evidenced(appeal, coordinator):  # noqa: F811
    """The appealed report with its page times, a correction after a return, a check-out and a pair."""
    report = appeal.submission
    visit = report.assignment.visit
    version = report.version
    Assignment.objects.filter(pk=report.assignment_id).update(checked_out_at=visit.starts_at + timedelta(minutes=20))
    Submission.objects.filter(pk=report.pk).update(status="submitted")  # the events keep the first sending
    report.events.filter(action="submitted").update(at=visit.starts_at + timedelta(minutes=32))
    for section in version.sections.order_by("order"):
        PageTiming.objects.create(
            submission=report, section=section,
            first_opened_at=visit.starts_at + timedelta(minutes=21), last_saved_at=visit.starts_at + timedelta(minutes=29),
        )  # fmt: skip
    AnswerChange.objects.create(
        submission=report, question=q(version, "How long did you wait?"), before=120, after=60, reason=REASON
    )
    Submission.objects.filter(pk=report.pk).update(status="approved")
    partner = ready_volunteer(first_name="Ottoline", last_name="Brackenridge")
    second = Assignment.objects.create(
        visit=visit,
        volunteer=partner,
        blocked_from=visit.starts_at,
        blocked_until=visit.ends_at,
        assigned_by=coordinator,
    )
    with time_machine.travel(visit.starts_at + timedelta(minutes=40)):
        other = capture.start(assignment=second, by=partner.user)
        other.answers.create(question=q(version, "Were you greeted?"), value=False)
        other.answers.create(question=q(version, "How long did you wait?"), value=60)
        capture.submit(submission=other, by=partner.user)
    return appeal


def identities(appealed):
    people = [assignment.volunteer for assignment in appealed.submission.assignment.visit.assignments.all()]
    found = []
    for person in people:
        found += [person.first_name + " " + person.last_name, person.last_name, person.email, person.user.username]
        found += [str(person.phone.national_number), person.phone.as_national, person.phone.as_e164]
    return found


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_coordinator_makes_a_pack_with_the_result_timings_and_agreement_and_no_identity(
    client_for, coordinator, evidenced
):
    client = client_for(coordinator)
    response = client.post(reverse("reports:evidence-pack-make", args=[evidenced.pk]))
    assert response.status_code == 302
    pack = EvidencePack.objects.get(appeal=evidenced)
    assert pack.made_by == coordinator and not pack.is_shared
    download = client.get(reverse("reports:evidence-pack-pdf", args=[evidenced.pk]))
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content) if download.streaming else download.content)
    assert "Evidence pack" in text
    assert REDACTED_TEXT in text and RAW_TEXT not in text
    assert "first sent 12 minutes after the volunteer checked out" in " ".join(text.split())
    assert REASON in " ".join(text.split())
    assert "Differ" in text and "Agree" in text
    for identity in identities(evidenced):
        assert identity not in text, f"{identity!r} is in the evidence pack"


def test_force_liaison_see_no_pack_and_no_timings_until_it_is_shared(client_for, coordinator, force_liaison, evidenced):
    evidence.make_evidence_pack(appeal=evidenced, by=coordinator)
    force = client_for(force_liaison)
    page = force.get(evidenced.get_absolute_url()).content.decode()
    assert "Evidence pack" not in page and REASON not in page and "First opened" not in page
    assert force.get(reverse("reports:evidence-pack-pdf", args=[evidenced.pk])).status_code == 404
    assert force.post(reverse("reports:evidence-pack-share", args=[evidenced.pk])).status_code == 403
    assert force.post(reverse("reports:evidence-pack-make", args=[evidenced.pk])).status_code == 403

    client_for(coordinator).post(reverse("reports:evidence-pack-share", args=[evidenced.pk]))
    page = force.get(evidenced.get_absolute_url()).content.decode()
    assert "Evidence pack" in page and REASON in page and "First opened" in page
    for identity in identities(evidenced):
        assert identity not in page
    assert force.get(reverse("reports:evidence-pack-pdf", args=[evidenced.pk])).status_code == 200


def test_sharing_needs_a_pack_first(client_for, coordinator, evidenced):
    response = client_for(coordinator).post(reverse("reports:evidence-pack-share", args=[evidenced.pk]), follow=True)
    assert "Make the evidence pack first" in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_making_the_pack_again_keeps_one_pack_and_its_sharing(coordinator, evidenced):
    evidence.make_evidence_pack(appeal=evidenced, by=coordinator)
    evidence.share_evidence_pack(appeal=evidenced, by=coordinator)
    evidence.make_evidence_pack(appeal=evidenced, by=coordinator)
    evidence.share_evidence_pack(appeal=evidenced, by=coordinator)
    assert EvidencePack.objects.count() == 1 and EvidencePack.objects.get().is_shared


def test_pack_steps_refuse_a_get_and_volunteers(client_for, volunteer, coordinator, evidenced):
    evidence.make_evidence_pack(appeal=evidenced, by=coordinator)
    assert client_for(coordinator).get(reverse("reports:evidence-pack-make", args=[evidenced.pk])).status_code == 405
    assert client_for(coordinator).get(reverse("reports:evidence-pack-share", args=[evidenced.pk])).status_code == 405
    assert client_for(volunteer).get(reverse("reports:evidence-pack-pdf", args=[evidenced.pk])).status_code == 403


def test_a_report_with_one_volunteer_says_there_is_nothing_to_compare(coordinator, appeal):  # noqa: F811
    pack = evidence.make_evidence_pack(appeal=appeal, by=coordinator)
    assert pack.content["agreement"] == {"paired": False, "agreement": None, "questions": []}
    assert "no second report" in pdf_text(evidence.pack_pdf(pack))
