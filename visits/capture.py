"""Questionnaire capture and review: a volunteer's report on a visit, and the coordinator's check."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from mysteryshop.celery import send_task_on_commit
from mysteryshop.mail import send_email
from mysteryshop.roles import OPCC_ROLES, Role
from scenarios.forms import SectionForm
from scenarios.models import Question, Section
from volunteers.services import HomeItem

from .models import (
    Answer,
    AnswerChange,
    Assignment,
    PageTiming,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    VisitStatus,
)

ROLLUP_TASK = "reports.rollup_submission"


def start(*, assignment: Assignment, by) -> Submission:
    """The volunteer's report on this visit, made on first use; its questionnaire version freezes."""
    if assignment.volunteer.user_id != by.pk:
        raise PermissionDenied("This is not your visit.")
    if assignment.declined_at or assignment.visit.status == VisitStatus.CANCELLED:
        raise ValidationError(gettext("There is no report to make for this visit."))
    if assignment.visit.starts_at > timezone.now():
        raise ValidationError(gettext("You can fill in the questionnaire once the visit has started."))
    visit = assignment.visit
    # A pilot visit tries a new version; a practice scenario's report is compared with its key. Neither
    # ever counts in the results (`SubmissionQuerySet.in_results`).
    version = visit.pilot_version or visit.scenario.questionnaire_version
    submission, created = Submission.objects.get_or_create(
        assignment=assignment,
        defaults={"version": version, "practice": visit.scenario.practice, "pilot": visit.pilot_version_id is not None},
    )
    if created:
        version.freeze()
        SubmissionEvent.objects.create(submission=submission, action="started", by=by)
        if Assignment.objects.filter(pk=assignment.pk, recognised_at__isnull=False).exists():
            submission = exclude_recognised(submission=submission, by=by)
    return submission


RECOGNISED_REASON = gettext_noop("The volunteer thinks they were recognised.")


def exclude_recognised(*, submission: Submission, by) -> Submission:
    """Keep the report of a volunteer who thinks they were recognised out of the results, whenever it
    is made (see `safety.report_recognised`)."""
    note = Assignment.objects.filter(pk=submission.assignment_id).values_list("recognised_note", flat=True).first()
    return exclude_from_results(
        submission=submission, by=by, reason=f"{RECOGNISED_REASON} {note}".strip() if note else RECOGNISED_REASON
    )


def answers(submission: Submission) -> dict[int, object]:
    return dict(submission.answers.values_list("question_id", "value"))


def sections(submission: Submission) -> list[Section]:
    return list(submission.version.sections.prefetch_related("questions").order_by("order", "pk"))


def answers_before(submission: Submission, section: Section, saved: dict[int, object]) -> dict[int, object]:
    """Answers to questions in earlier sections, which conditions in this one may use."""
    earlier = Question.objects.filter(section__version=submission.version, section__order__lt=section.order)
    ids = set(earlier.values_list("pk", flat=True))
    return {question_id: value for question_id, value in saved.items() if question_id in ids}


REASON_REQUIRED = "reason_required"


@transaction.atomic
def save_section(
    *,
    submission: Submission,
    section: Section,
    form: SectionForm,
    partial: bool = False,
    opened_at: datetime | None = None,
    reason: str = "",
) -> None:
    """Keep a section's answers. With `partial`, keep whatever is valid even if the page has errors.

    Answers to questions hidden by their condition are dropped, so a stale
    answer never counts. The page's times are kept (`PageTiming`: first opened
    at `opened_at`, the server's time of serving it, and last saved now). On a
    report returned for correction, changing an answer needs a `reason`, kept
    with the answer before and after (`AnswerChange`); without one nothing is
    saved and a ValidationError with code `REASON_REQUIRED` says so.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.is_editable:
        raise ValidationError(gettext("This report has been sent and can no longer be changed."))
    values = form.partial_values() if partial else form.answer_values()
    saved = dict(
        Answer.objects.filter(submission=submission, question__in=form.questions).values_list("question_id", "value")
    )
    after: dict[int, object] = {}
    for question in form.questions:
        if question.pk in values:
            after[question.pk] = values[question.pk]
        elif not partial or not question.is_shown({**form.answers_so_far, **values}):
            after[question.pk] = None
        elif question.pk in saved:
            after[question.pk] = saved[question.pk]
    changed = [question for question in form.questions if after.get(question.pk) != saved.get(question.pk)]
    reason = (reason or "").strip()
    if submission.status == SubmissionStatus.RETURNED and changed and not reason:
        raise ValidationError(
            gettext("Say why you changed your answer: the OPCC keeps the reason with the change."),
            code=REASON_REQUIRED,
        )
    # One upsert and one delete for the whole page, however many questions it has.
    Answer.objects.bulk_create(
        [Answer(submission=submission, question=question, value=values[question.pk])
         for question in form.questions if question.pk in values],
        update_conflicts=True, unique_fields=["submission", "question"], update_fields=["value"],
    )  # fmt: skip
    cleared = [
        question.pk for question in form.questions if question.pk not in values and after.get(question.pk) is None
    ]
    Answer.objects.filter(submission=submission, question__in=cleared).delete()
    now = timezone.now()
    if submission.status == SubmissionStatus.RETURNED:
        AnswerChange.objects.bulk_create(
            AnswerChange(
                submission=submission, question=question, before=saved.get(question.pk),
                after=after.get(question.pk), reason=reason, at=now,
            )
            for question in changed
        )  # fmt: skip
    _keep_page_times(submission, section, opened_at=min(opened_at or now, now), now=now)


def _keep_page_times(submission: Submission, section: Section, *, opened_at: datetime, now: datetime) -> None:
    timing, created = PageTiming.objects.get_or_create(
        submission=submission, section=section, defaults={"first_opened_at": opened_at, "last_saved_at": now}
    )
    if not created:
        timing.first_opened_at = min(timing.first_opened_at, opened_at)
        timing.last_saved_at = now
        timing.save(update_fields=["first_opened_at", "last_saved_at"])


def shown_answer(question: Question, value) -> str:
    """An answer as a person reads it: Yes, an option's label, 1 min 30 s, 3 December 2026."""
    if value is None:
        return "—"
    if question.kind == "duration" and isinstance(value, int):
        minutes, seconds = divmod(value, 60)
        return gettext("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": f"{seconds:02d}"}
    if question.kind == "date":
        return date_format(date.fromisoformat(value), "j F Y")
    if isinstance(value, list):
        return ", ".join(question.answer_text(item) for item in value)
    return question.answer_text(value)


def missing(submission: Submission) -> list[tuple[int, Section]]:
    """Sections (numbered from 1) with a shown, required question left unanswered."""
    saved = answers(submission)
    found, so_far = [], {}
    for number, section in enumerate(sections(submission), start=1):
        for question in section.questions.all():
            shown = question.is_shown(so_far)
            value = saved.get(question.pk) if shown else None
            so_far[question.pk] = value
            if shown and question.required and value in (None, "", []):
                found.append((number, section))
                break
    return found


def score(submission: Submission) -> tuple[dict[str, float], Decimal | None]:
    """Score a report, and keep each answer's verdict with it for the roll-ups.

    The verdicts are stored, like the scores, so a later version's rules never
    rewrite history and the roll-ups can be summed in SQL.
    """
    saved = list(submission.answers.select_related("question"))
    changed = []
    for answer in saved:
        meets = answer.question.meets_commitment(answer.value)
        if answer.meets is not meets:
            answer.meets = meets
            changed.append(answer)
    Answer.objects.bulk_update(changed, ["meets"])
    return score_answers(version_id=submission.version_id, saved={a.question_id: a.value for a in saved})


def weighted_scores(verdicts: Iterable[tuple[str, int, bool | None]]) -> tuple[dict[str, float], Decimal | None]:
    """The one weighted score: the weighted share of applicable scored questions met, per commitment
    area (slug) and overall, from (area slug, weight, met) per question. A verdict of None (not
    answered, hidden or not applicable) is left out."""
    met: dict[str, int] = {}
    applicable: dict[str, int] = {}
    for slug, weight, outcome in verdicts:
        if outcome is None:
            continue
        applicable[slug] = applicable.get(slug, 0) + weight
        met[slug] = met.get(slug, 0) + (weight if outcome else 0)
    scores = {slug: round(100 * met[slug] / applicable[slug], 1) for slug in applicable}
    total = sum(applicable.values())
    overall = Decimal(round(100 * sum(met.values()) / total, 1)).quantize(Decimal("0.1")) if total else None
    return scores, overall


def score_answers(*, version_id: int, saved: dict[int, object]) -> tuple[dict[str, float], Decimal | None]:
    """Weighted share of applicable scored questions met, per commitment area (slug) and overall."""
    questions = Question.objects.filter(section__version=version_id, commitment_area__isnull=False)
    return weighted_scores(
        (question.commitment_area.slug, question.weight, question.meets_commitment(saved.get(question.pk)))
        for question in questions.select_related("commitment_area")
    )


@transaction.atomic
def submit(*, submission: Submission, by) -> Submission:
    """Send the report once: a second press, a refresh or the back button changes nothing."""
    submission = Submission.objects.select_for_update().select_related("assignment__visit").get(pk=submission.pk)
    if submission.assignment.volunteer.user_id != by.pk:
        raise PermissionDenied("This is not your report.")
    if submission.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        return submission
    gaps = missing(submission)
    if gaps:
        number, section = gaps[0]
        raise ValidationError(
            gettext("Please answer every question in “%(title)s” (page %(number)s) before sending.")
            % {"title": section.shown("title"), "number": number}
        )
    submission.scores, submission.overall_score = score(submission)
    submission.status, submission.submitted_at = SubmissionStatus.SUBMITTED, timezone.now()
    submission.save()
    SubmissionEvent.objects.create(submission=submission, action="submitted", by=by)
    visit = submission.assignment.visit
    if visit.status in (VisitStatus.PLANNED, VisitStatus.ASSIGNED, VisitStatus.CONFIRMED):
        visit.move_to(VisitStatus.COMPLETED, by=by, reason=gettext_noop("Report received."))
    _check_pair_agreement(visit)
    return submission


def _check_pair_agreement(visit) -> None:
    """When both of a pair have reported, the share of scored questions they agree on; low is flagged."""
    reports = list(
        Submission.objects.filter(
            assignment__visit=visit, status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED]
        )
    )
    if len(reports) != 2:
        return
    scored = Question.objects.filter(section__version=reports[0].version_id, commitment_area__isnull=False)
    questions = {question.pk: question for question in scored}
    first, second = (
        {q: questions[q].meets_commitment(v) for q, v in answers(r).items() if q in questions} for r in reports
    )
    compared = [q for q in first if first[q] is not None and second.get(q) is not None]
    if not compared:
        return
    agreement = Decimal(round(100 * sum(first[q] == second[q] for q in compared) / len(compared), 1))
    low = agreement < settings.MYSTERYSHOP_AGREEMENT_THRESHOLD
    Submission.objects.filter(pk__in=[r.pk for r in reports]).update(agreement=agreement, low_agreement=low)


def _require_coordinator(user) -> None:
    if not user.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators review reports.")


@transaction.atomic
def approve(*, submission: Submission, by) -> Submission:
    """Approve a report so it counts. The roll-up marker is set in the same transaction and the
    roll-up task is sent after commit; with Redis or the worker down, approval still succeeds and
    the marker waits for the sweeper."""
    _require_coordinator(by)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(gettext("Only a submitted report can be approved."))
    submission.status, submission.reviewed_by, submission.reviewed_at = SubmissionStatus.APPROVED, by, timezone.now()
    submission.needs_rollup = True
    submission.save()
    SubmissionEvent.objects.create(submission=submission, action="approved", by=by)
    send_task_on_commit(ROLLUP_TASK, args=[submission.pk])
    return submission


@transaction.atomic
def approve_unflagged(*, pks: Iterable[int], by) -> tuple[int, int]:
    """Approve the chosen reports that are waiting and have nothing to look at first (no flags).
    Returns how many were approved and how many were not (already decided, or flagged since the
    page was shown): pressing the button twice approves each report once."""
    _require_coordinator(by)
    chosen = set(pks)
    approved = 0
    for submission in Submission.objects.awaiting_review().unflagged().filter(pk__in=chosen):
        try:
            approve(submission=submission, by=by)
        except ValidationError:  # approved by someone else a moment ago
            continue
        approved += 1
    return approved, len(chosen) - approved


@transaction.atomic
def return_for_correction(*, submission: Submission, by, comment: str) -> Submission:
    """Send a report back to its volunteer to correct. An approved report can be returned too
    (a mistake found later): it then leaves the results until it is approved again, so it is
    marked for a roll-up like an approval."""
    _require_coordinator(by)
    if not comment.strip():
        raise ValidationError(gettext("Say what the volunteer needs to correct."))
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        raise ValidationError(gettext("Only a sent or approved report can be returned."))
    was_approved = submission.status == SubmissionStatus.APPROVED
    submission.status, submission.review_comment = SubmissionStatus.RETURNED, comment.strip()
    submission.reviewed_by, submission.reviewed_at = by, timezone.now()
    submission.needs_rollup = submission.needs_rollup or was_approved
    submission.save()
    SubmissionEvent.objects.create(submission=submission, action="returned", by=by, comment=comment.strip())
    if was_approved:
        send_task_on_commit(ROLLUP_TASK, args=[submission.pk])
    assignment = submission.assignment
    send_email(
        to=assignment.volunteer.email,
        subject=gettext_lazy("Please correct your mystery shop report"),
        template="visits/email/report_returned.txt",
        context={"submission": submission, "assignment": assignment, "visit": assignment.visit},
    )
    return submission


def reports_to_correct(volunteer):
    """A volunteer's reports returned for correction, oldest visit first."""
    return (
        Submission.objects.filter(assignment__volunteer=volunteer, status=SubmissionStatus.RETURNED)
        .select_related("assignment__visit__scenario", "assignment__visit__contact_point")
        .order_by("assignment__visit__starts_at", "pk")
    )


def to_correct_on_home(volunteer) -> list:
    """The volunteer's home lists these first (see `volunteers.services.register_home_section`)."""
    return [
        HomeItem(
            title=f"{report.assignment.visit.scenario.shown('title')}, "
            f"{date_format(timezone.localtime(report.assignment.visit.starts_at), 'j F Y')}",
            text=gettext("The OPCC asks: “%(comment)s”") % {"comment": report.review_comment},
            url=reverse("visits:report-section", args=[report.assignment_id, 1]),
            link_text=gettext("Correct this report"),
        )
        for report in reports_to_correct(volunteer)
    ]


@transaction.atomic
def exclude_from_results(*, submission: Submission, by, reason: str) -> Submission:
    """Keep a report out of the results (the volunteer thinks they were recognised, or a result is
    voided on appeal), with the reason. Its roll-ups are recomputed through the usual marker and task;
    excluding it again changes nothing."""
    if not reason.strip():
        raise ValidationError(gettext("Say why the report is kept out of the results."))
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.excluded:
        return submission
    submission.excluded, submission.excluded_reason = True, reason.strip()[:300]
    submission.needs_rollup = submission.needs_rollup or submission.status == SubmissionStatus.APPROVED
    submission.save(update_fields=["excluded", "excluded_reason", "needs_rollup"])
    SubmissionEvent.objects.create(submission=submission, action="excluded", by=by, comment=reason.strip())
    if submission.needs_rollup:
        send_task_on_commit(ROLLUP_TASK, args=[submission.pk])
    return submission


def scores_from_verdicts(submission: Submission) -> tuple[dict[str, float], Decimal | None]:
    """Weighted share met per commitment area (slug) and overall, from the answers' stored verdicts."""
    answers = submission.answers.filter(question__commitment_area__isnull=False, meets__isnull=False)
    return weighted_scores(
        (answer.question.commitment_area.slug, answer.question.weight, answer.meets)
        for answer in answers.select_related("question__commitment_area")
    )


@transaction.atomic
def rescore(*, submission: Submission, by, verdicts: dict[int, bool | None], reason: str) -> dict[str, dict]:
    """Change the verdicts of some scored answers of a report in the results (an appeal decided by the
    OPCC), keeping every answer's value. The scores are recomputed from the verdicts, and the report is
    marked for a roll-up and the task sent after commit, as on approval.

    Returns, per answer id, the question and its verdict before and after (only those that changed).
    """
    if not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only OPCC staff can rescore a report.")
    if not reason.strip():
        raise ValidationError(gettext("Say why the report is rescored."))
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.APPROVED or submission.excluded:
        raise ValidationError(gettext("Only a report that counts in the results can be rescored."))
    answers = {
        answer.pk: answer
        for answer in submission.answers.filter(pk__in=list(verdicts), question__commitment_area__isnull=False)
        .select_related("question")
    }  # fmt: skip
    if set(verdicts) - set(answers):
        raise ValidationError(gettext("Only this report's scored answers can be rescored."))
    changes: dict[str, dict] = {}
    for answer_id, meets in verdicts.items():
        answer = answers[answer_id]
        if answer.meets is not meets:
            changes[str(answer_id)] = {"question": answer.question.label, "from": answer.meets, "to": meets}
            answer.meets = meets
    if not changes:
        raise ValidationError(gettext("Change at least one answer's verdict to rescore the report."))
    Answer.objects.bulk_update([answers[int(pk)] for pk in changes], ["meets"])
    submission.scores, submission.overall_score = scores_from_verdicts(submission)
    submission.needs_rollup = True
    submission.save(update_fields=["scores", "overall_score", "needs_rollup"])
    SubmissionEvent.objects.create(submission=submission, action="rescored", by=by, comment=reason.strip())
    send_task_on_commit(ROLLUP_TASK, args=[submission.pk])
    return changes


@transaction.atomic
def review_answer(*, answer: Answer, by, notable: str, redacted_text: str) -> Answer:
    """Mark a free-text answer as good practice or a concern, with the text the force may see.
    The dashboards quote from the roll-ups, so an approved report is marked for one."""
    _require_coordinator(by)
    answer.notable, answer.redacted_text = notable, redacted_text.strip()
    answer.save(update_fields=["notable", "redacted_text"])
    approved = Submission.objects.filter(pk=answer.submission_id, status=SubmissionStatus.APPROVED)
    if approved.update(needs_rollup=True):
        send_task_on_commit(ROLLUP_TASK, args=[answer.submission_id])
    return answer


@transaction.atomic
def add_evidence(*, submission: Submission, by, image: tuple, caption: str = "") -> None:
    """Attach a checked photo to an editable report, within the scheme's limit."""
    from .models import Evidence

    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.assignment.volunteer.user_id != by.pk:
        raise PermissionDenied("This is not your report.")
    if not submission.is_editable:
        raise ValidationError(gettext("This report has been sent and can no longer be changed."))
    if submission.evidence.count() >= settings.MYSTERYSHOP_EVIDENCE_MAX_PHOTOS:
        raise ValidationError(
            gettext("A report can have up to %(count)s photos.") % {"count": settings.MYSTERYSHOP_EVIDENCE_MAX_PHOTOS}
        )
    content, content_type = image
    Evidence.objects.create(submission=submission, file=content, content_type=content_type, caption=caption)
