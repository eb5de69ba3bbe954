"""What the visits app holds about a volunteer: their part in subject-access exports, erasure and retention.

Registered with the volunteers app from `VisitsConfig.ready()` (volunteers never imports visits).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from mysteryshop.uploads import delete_with_files
from volunteers.models import Volunteer

from . import capture, services
from .models import (
    OPEN_STATUSES,
    AnswerChange,
    Assignment,
    Conflict,
    Evidence,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def subject_access_visits(volunteer: Volunteer) -> dict:
    """Their bookings (with their check-in and check-out times and whether they said they were recognised),
    reports with every answer and their history, photos (by caption) and declared conflicts of interest."""
    assignments = (
        Assignment.objects.filter(volunteer=volunteer)
        .select_related("visit__contact_point", "visit__scenario")
        .order_by("visit__starts_at", "pk")
    )
    submissions = {
        submission.assignment_id: submission
        for submission in Submission.objects.filter(assignment__volunteer=volunteer).prefetch_related(
            "answers__question", "evidence", "events", "page_timings__section", "answer_changes__question"
        )
    }
    bookings = []
    for assignment in assignments:
        visit = assignment.visit
        submission = submissions.get(assignment.pk)
        bookings.append(
            {
                "visit": {
                    "starts_at": visit.starts_at.isoformat(),
                    "ends_at": visit.ends_at.isoformat(),
                    "contact_point": visit.contact_point.name,
                    "scenario": visit.scenario.title,
                    "status": visit.status,
                },
                "assigned_at": _iso(assignment.assigned_at),
                "accepted_at": _iso(assignment.accepted_at),
                "declined_at": _iso(assignment.declined_at),
                "decline_reason": assignment.decline_reason,
                "reminded_at": _iso(assignment.reminded_at),
                "checked_in_at": _iso(assignment.checked_in_at),
                "checked_out_at": _iso(assignment.checked_out_at),
                "thinks_they_were_recognised": assignment.recognised_at is not None,
                "recognised_at": _iso(assignment.recognised_at),
                "recognised_note": assignment.recognised_note,
                "report": None
                if submission is None
                else {
                    "status": submission.status,
                    "started_at": _iso(submission.started_at),
                    "submitted_at": _iso(submission.submitted_at),
                    "review_comment": submission.review_comment,
                    "overall_score": str(submission.overall_score) if submission.overall_score is not None else None,
                    "scores": submission.scores,
                    "kept_out_of_results": submission.excluded,
                    "kept_out_because": submission.excluded_reason,
                    "history": [
                        {"action": event.action, "at": _iso(event.at), "comment": event.comment}
                        for event in submission.events.all()
                    ],
                    "answers": [
                        {"question": answer.question.label, "answer": answer.value}
                        for answer in submission.answers.all()
                    ],
                    "photos": [
                        {"caption": photo.caption, "uploaded_at": _iso(photo.uploaded_at)}
                        for photo in submission.evidence.all()
                    ],
                    "page_times": [
                        {
                            "page": timing.section.title,
                            "first_opened_at": _iso(timing.first_opened_at),
                            "last_saved_at": _iso(timing.last_saved_at),
                        }
                        for timing in submission.page_timings.all()
                    ],
                    "answers_changed_after_a_return": [
                        {
                            "question": change.question.label,
                            "before": change.before,
                            "after": change.after,
                            "reason": change.reason,
                            "at": _iso(change.at),
                        }
                        for change in submission.answer_changes.all()
                    ],
                },
            }
        )
    return {
        "bookings": bookings,
        "conflicts_of_interest": [
            {"contact_point": conflict.contact_point.name, "reason": conflict.reason}
            for conflict in Conflict.objects.filter(volunteer=volunteer).select_related("contact_point")
        ],
    }


ERASED_REASON = "(removed when the volunteer's details were erased)"


def erase_from_visits(volunteer: Volunteer) -> None:
    """Anonymisation's part here: what identifies them goes, approved results stay.

    Reports that were sent keep their answers (they are results, now of an anonymous
    volunteer); drafts never sent are deleted. Reasons they gave for declining and their
    declared conflicts of interest (which may name relatives) are removed, as is what they wrote
    about being recognised (the report stays out of the results), and bookings on
    visits still to come are released as if they had declined (`services.release_booking`):
    the coordinator is told, and a partner left alone is told not to go alone.
    """
    Assignment.objects.filter(volunteer=volunteer).exclude(decline_reason="").update(decline_reason="")
    # What they wrote about being recognised may name someone: the fact stays (it keeps the result out).
    Assignment.objects.filter(volunteer=volunteer).exclude(recognised_note="").update(recognised_note="")
    recognised = Submission.objects.filter(
        assignment__volunteer=volunteer, excluded_reason__startswith=capture.RECOGNISED_REASON
    )
    recognised.update(excluded_reason=capture.RECOGNISED_REASON)
    SubmissionEvent.objects.filter(submission__in=recognised, action="excluded").update(
        comment=capture.RECOGNISED_REASON
    )
    # Their reasons for changing an answer may name someone; that an answer changed stays with the result.
    AnswerChange.objects.filter(submission__assignment__volunteer=volunteer).update(reason=ERASED_REASON)
    Conflict.objects.filter(volunteer=volunteer).delete()
    for draft in Submission.objects.filter(assignment__volunteer=volunteer, status=SubmissionStatus.DRAFT):
        for photo in draft.evidence.all():
            photo.file.delete(save=False)
        draft.delete()
    release_upcoming_bookings(volunteer, "left the scheme")


def release_on_stepping_back(volunteer: Volunteer, status: str) -> None:
    """A volunteer paused, or leaving the scheme, gives up the visits they were booked on."""
    release_upcoming_bookings(volunteer, f"was moved to “{status}”")


def release_upcoming_bookings(volunteer: Volunteer, why: str) -> None:
    """Give up every booking of a volunteer who can no longer go (paused, left, erased) on visits still to come,
    as if they had declined: the coordinator is told, and a partner left alone is told not to go alone."""
    upcoming = Assignment.objects.filter(
        volunteer=volunteer, declined_at__isnull=True, submission__isnull=True,
        visit__starts_at__gt=timezone.now(), visit__status__in=OPEN_STATUSES,
    )  # fmt: skip
    for assignment in upcoming:
        services.release_booking(assignment=assignment, by=None, event=f"A volunteer {why}.")


def audited_assignments(volunteer: Volunteer) -> list[int]:
    return list(Assignment.objects.filter(volunteer=volunteer).values_list("pk", flat=True))


def audited_submissions(volunteer: Volunteer) -> list[int]:
    return list(Submission.objects.filter(assignment__volunteer=volunteer).values_list("pk", flat=True))


def delete_expired_evidence(*, now: datetime | None = None) -> int:
    """Delete evidence photos `MYSTERYSHOP_EVIDENCE_RETENTION_DAYS` after their visit; the report stays.

    Photos can show staff or members of the public; the reviewer has used them by then.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MYSTERYSHOP_EVIDENCE_RETENTION_DAYS)
    return delete_with_files(Evidence.objects.filter(submission__assignment__visit__starts_at__lte=cutoff))
