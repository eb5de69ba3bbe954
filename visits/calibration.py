"""Calibration: a volunteer's practice on a practice scenario, compared with its answer key.

A practice report is an ordinary report (same pages, same questionnaire) on a
visit made only for it, so it never touches the schedule and never counts in the
results (`Submission.practice`). Having sent one within
`MYSTERYSHOP_CALIBRATION_MONTHS` is a booking rule, like required training,
once the OPCC has a practice scenario with a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mysteryshop.roles import Role
from scenarios.models import ContactPoint, KeyAnswer, Question, QuestionType, Scenario
from volunteers.models import Status, Volunteer
from volunteers.services import HomeItem, months_before

from .models import Answer, Assignment, Submission, SubmissionStatus, Visit, VisitStatus

SENT = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def calibration_required() -> bool:
    """Calibration is required once there is a practice scenario volunteers can do."""
    return Scenario.objects.practice_ready().exists()


def calibrated_volunteers(*, on):
    """Volunteers who sent a practice report within the calibration period before the day `on`."""
    since = months_before(on, settings.MYSTERYSHOP_CALIBRATION_MONTHS)
    day_end = timezone.make_aware(datetime.combine(on, datetime.max.time()))
    practised = Submission.objects.filter(
        assignment__volunteer=OuterRef("pk"),
        practice=True,
        status__in=SENT,
        submitted_at__date__gte=since,
        submitted_at__lte=day_end,
    )
    return Volunteer.objects.filter(Exists(practised))


def last_practice(volunteer: Volunteer) -> Submission | None:
    return (
        Submission.objects.filter(assignment__volunteer=volunteer, practice=True, status__in=SENT)
        .order_by("-submitted_at")
        .first()
    )


def calibration_due(volunteer: Volunteer) -> bool:
    """Whether this volunteer must practise before they can be booked on a visit."""
    if not calibration_required():
        return False
    return not calibrated_volunteers(on=timezone.localdate()).filter(pk=volunteer.pk).exists()


def start_practice(*, scenario: Scenario, by) -> Assignment:
    """Give the volunteer a place on a practice of this scenario, to report on with the usual pages.

    The practice "visit" is their own: already done (nothing to schedule, hold or remind about),
    at a contact point the scenario suits. Starting again while a practice is unsent returns it.
    """
    volunteer = Volunteer.objects.filter(user=by, status=Status.ACTIVE).first()
    if volunteer is None or not by.has_role(Role.VOLUNTEER):
        raise PermissionDenied("Only active volunteers practise.")
    if not Scenario.objects.practice_ready().filter(pk=scenario.pk).exists():
        raise ValidationError(gettext("This practice is not available."))
    unsent = (
        Assignment.objects.filter(volunteer=volunteer, visit__scenario=scenario, declined_at__isnull=True)
        .exclude(submission__status__in=SENT)
        .first()
    )
    if unsent:
        return unsent
    point = (
        scenario.contact_points.first()
        or ContactPoint.objects.filter(channel=scenario.channel).order_by("-active", "pk").first()
    )
    if point is None:
        raise ValidationError(gettext("This practice has no contact point yet. Please tell the OPCC."))
    now = timezone.now()
    starts = now - timedelta(minutes=scenario.visit_minutes)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                scenario=scenario,
                contact_point=point,
                starts_at=starts,
                ends_at=now,
                status=VisitStatus.COMPLETED,
                created_by=by,
            )
            # A practice blocks nobody's time: its booking is a minute long, ending before now.
            return Assignment.objects.create(
                visit=visit,
                volunteer=volunteer,
                blocked_from=starts - timedelta(minutes=1),
                blocked_until=starts,
                assigned_by=by,
                accepted_at=now,
            )
    except IntegrityError as error:
        raise ValidationError(gettext("You are booked on a visit around now. Please practise another time.")) from error


@dataclass(frozen=True)
class KeyRow:
    question: Question
    given: object
    expected: object
    agrees: bool | None  # None: the key has no answer for this question


@dataclass(frozen=True)
class KeyAgreement:
    rows: list[KeyRow]

    @property
    def compared(self) -> int:
        return sum(row.agrees is not None for row in self.rows)

    @property
    def agreed(self) -> int:
        return sum(bool(row.agrees) for row in self.rows)

    @property
    def percent(self) -> int | None:
        return round(100 * self.agreed / self.compared) if self.compared else None


def _same(given, expected) -> bool:
    if isinstance(given, list) and isinstance(expected, list):
        return sorted(map(str, given)) == sorted(map(str, expected))
    return given == expected


def key_agreement(submission: Submission) -> KeyAgreement:
    """Question by question, the volunteer's answer beside the key's, and whether they agree."""
    scenario = submission.assignment.visit.scenario
    key = dict(KeyAnswer.objects.filter(scenario=scenario).values_list("question_id", "value"))
    given = dict(submission.answers.values_list("question_id", "value"))
    questions = Question.objects.filter(section__version=submission.version_id).order_by(
        "section__order", "section_id", "order", "pk"
    )
    rows = []
    # Free text, times and dates have no key (scenarios.forms.UNKEYED_TYPES).
    for question in questions.exclude(kind__in=[QuestionType.TEXT, QuestionType.TIME, QuestionType.DATE]):
        if question.pk not in key and question.pk not in given:
            continue
        expected = key.get(question.pk)
        answer = given.get(question.pk)
        agrees = None if question.pk not in key else _same(answer, expected)
        rows.append(KeyRow(question=question, given=answer, expected=expected, agrees=agrees))
    return KeyAgreement(rows=rows)


def calibration_on_home(volunteer: Volunteer) -> list[HomeItem]:
    """A volunteer who must practise before their next visit sees it first on their home page."""
    if volunteer.status != Status.ACTIVE or not calibration_due(volunteer):
        return []
    return [
        HomeItem(
            title=gettext("Practise before your next visit"),
            text=gettext(
                "Before your first visit, and once a year after, you fill in a practice questionnaire and see how "
                "your answers compare with the OPCC's. It takes about 20 minutes and never counts in the results."
            ),
            url=reverse("visits:practice-list"),
            link_text=gettext("Do the practice"),
        )
    ]


def agreement_percents(submissions: list[Submission]) -> dict[int, int | None]:
    """Each practice report's share (per cent) of keyed questions answered as the key, in two queries."""
    ids = [s.pk for s in submissions]
    scenario_of = {s.pk: s.assignment.visit.scenario_id for s in submissions}
    keys: dict[int, dict[int, object]] = {}
    for scenario_id, question_id, value in KeyAnswer.objects.filter(scenario__in=set(scenario_of.values())).values_list(
        "scenario_id", "question_id", "value"
    ):
        keys.setdefault(scenario_id, {})[question_id] = value
    given: dict[int, dict[int, object]] = {}
    for submission_id, question_id, value in Answer.objects.filter(submission__in=ids).values_list(
        "submission_id", "question_id", "value"
    ):
        given.setdefault(submission_id, {})[question_id] = value
    percents = {}
    for pk in ids:
        key = keys.get(scenario_of[pk], {})
        answers = given.get(pk, {})
        agreed = sum(_same(answers.get(q), expected) for q, expected in key.items())
        percents[pk] = round(100 * agreed / len(key)) if key else None
    return percents
