"""Appeals: the force may appeal a released result; the OPCC decides within a set number of working days.

Steps follow `APPEAL_TRANSITIONS` (see `reports.models`): an open appeal is
decided once by OPCC staff — the result stands (upheld), is rescored (some
answers' verdicts changed), or is voided (the report leaves the results) — or
withdrawn by the force. A result is appealed once: after a decision it cannot be
appealed again (after a withdrawal it can). Each step is one function here that
checks the role, writes a history row (`AppealEvent`) and e-mails the other side
(coordinators of a new or withdrawn appeal, force liaison of a decision). A rescore or a void goes through the
visits app's own services (`capture.rescore`, `capture.exclude_from_results`),
which mark the report for a roll-up and send the task after commit, exactly as
approval does, so the dashboards follow through the usual path.

The force sees a result as `Result`: contact point, week (`reports.released`), channel,
score, each scored question's verdict and the reviewer's redacted quotes —
never a volunteer's name or their own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy

from mysteryshop.mail import lazy_date, send_email
from mysteryshop.roles import OPCC_ROLES, Role
from visits import capture
from visits.models import Submission

from . import released
from .findings import citable_reports, required_text, visit_day
from .models import DECIDED, Appeal, AppealEvent, AppealGround, AppealStatus
from .services import is_released
from .workingdays import add_working_days

VERDICT_LABELS = {
    True: gettext_lazy("Meets the commitment"),
    False: gettext_lazy("Does not meet the commitment"),
    None: gettext_lazy("Does not count"),
}


def appealable_reports() -> QuerySet[Submission]:
    """Reports the force may appeal: in the results, on visits in a quarter the commissioner has released."""
    return citable_reports()


def decision_due_from(day: date) -> date:
    """The last working day for the OPCC's decision on an appeal raised on `day`."""
    return add_working_days(day, settings.MYSTERYSHOP_APPEAL_DECISION_DAYS)


@dataclass
class Line:
    answer_id: int
    question: str
    area: str
    verdict: bool | None

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass
class Result:
    """A released result as the force may see it: no names, no times, no volunteer's own words."""

    report_id: int
    contact_point: str
    channel: str
    when: str  # the week of the visit, as released (`released.visit_date`)
    score: object
    counts: bool
    lines: list[Line] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def result_of(submission: Submission, *, user) -> Result | None:
    """The result an appeal is about, as anyone on the appeal's pages may see it (three queries).

    The release rule is applied again: for the force, nothing unless the visit's quarter is released.
    """
    submission = Submission.objects.select_related("assignment__visit__contact_point").get(pk=submission.pk)
    day = visit_day(submission)
    if not user.has_role(*OPCC_ROLES) and not is_released(day):
        return None
    point = submission.assignment.visit.contact_point
    answers = submission.answers.select_related("question__commitment_area", "question__section").order_by(
        "question__section__order", "question__order", "pk"
    )
    lines, quotes = [], []
    for answer in answers:
        if answer.question.commitment_area_id:
            question = answer.question
            lines.append(Line(answer.pk, question.shown("label"), question.commitment_area.shown("name"), answer.meets))
        if answer.redacted_text:
            quotes.append(answer.redacted_text)
    return Result(
        report_id=submission.pk,
        contact_point=point.name,
        channel=point.get_channel_display(),
        when=released.visit_date(day),
        score=submission.overall_score,
        counts=not submission.excluded,
        lines=lines,
        quotes=quotes,
    )


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


@transaction.atomic
def raise_appeal(*, submission: Submission, by, ground: str, explanation: str) -> Appeal:
    """The force appeals one released result, on one of the grounds, saying why.

    Only force liaison appeal, only a report in the results of a released
    quarter, and only one open appeal per report at a time.
    """
    if not by.has_role(Role.FORCE_LIAISON):
        raise PermissionDenied("Only force liaison staff appeal results.")
    if ground not in AppealGround.values:
        raise ValidationError(gettext("Choose the ground of the appeal."))
    explanation = required_text(explanation, gettext_lazy("Explain why the result is wrong."))
    if not appealable_reports().filter(pk=submission.pk).exists():
        raise ValidationError(gettext("Only a released result that counts in the results can be appealed."))
    submission = Submission.objects.get(pk=submission.pk)
    if Appeal.objects.open().filter(submission=submission).exists():
        raise ValidationError(gettext("This result already has an appeal awaiting a decision."))
    decided = decided_appeal(submission)
    if decided is not None:
        raise ValidationError(
            gettext(
                "The OPCC decided an appeal on this result on %(day)s (“%(decision)s”). "
                "A result can be appealed once: that decision is final."
            )
            % {
                "day": formats.date_format(timezone.localtime(decided.decided_at), "j F Y"),
                "decision": decided.get_status_display(),
            }
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                submission=submission,
                ground=ground,
                explanation=explanation,
                raised_by=by,
                raised_at=now,
                decide_by=decision_due_from(timezone.localdate(now)),
                original_scores={
                    "scores": submission.scores,
                    "overall": None if submission.overall_score is None else str(submission.overall_score),
                },
            )
    except IntegrityError:  # two appeals at once: the database keeps one open
        raise ValidationError(gettext("This result already has an appeal awaiting a decision.")) from None
    AppealEvent.objects.create(appeal=appeal, from_status="", to_status=AppealStatus.OPEN, by=by, reason=explanation)
    _tell(
        _users_with_role(Role.COORDINATOR),
        appeal,
        "reports/email/appeal_raised.txt",
        gettext_lazy("The force has appealed a result: %(contact_point)s, %(day_text)s"),
    )
    return appeal


def decided_appeal(submission: Submission) -> Appeal | None:
    """The OPCC's decision on an appeal against this result, if there has been one (there can be only one)."""
    return Appeal.objects.filter(submission=submission, status__in=DECIDED).order_by("-decided_at").first()


def _users_with_role(role: Role) -> list:
    users = get_user_model().objects.filter(is_active=True, groups__name=role).exclude(email="")
    return list(users.distinct().order_by("pk"))


def _tell(users, appeal: Appeal, template: str, subject) -> None:
    """E-mail each user about an appeal, after commit: the force never learns more than the appeal's page shows."""
    result_day = visit_day(appeal.submission)
    context = {"appeal": appeal, "contact_point": appeal.submission.assignment.visit.contact_point.name}
    for user in users:
        send_email(
            to=user.email,
            subject=subject,
            template=template,
            # The day in the recipient's language (the subject is written in it).
            context={**context, "user": user, "day": result_day, "day_text": lazy_date(result_day, "j F Y")},
        )


@transaction.atomic
def withdraw_appeal(*, appeal: Appeal, by, reason: str = "") -> Appeal:
    """The force withdraws an appeal awaiting a decision."""
    if not by.has_role(Role.FORCE_LIAISON):
        raise PermissionDenied("Only force liaison staff withdraw appeals.")
    appeal = _locked(appeal)
    appeal.move_to(AppealStatus.WITHDRAWN, by=by, reason=(reason or "").strip())
    _tell(
        _users_with_role(Role.COORDINATOR),
        appeal,
        "reports/email/appeal_withdrawn.txt",
        gettext_lazy("The force withdrew an appeal: %(contact_point)s, %(day_text)s"),
    )
    return appeal


@transaction.atomic
def decide_appeal(
    *, appeal: Appeal, by, outcome: str, reason: str, verdicts: dict[int, bool | None] | None = None
) -> Appeal:
    """OPCC staff decide an open appeal: the result stands, is rescored, or is voided.

    A rescore changes the given answers' verdicts (their values are kept) and a
    void keeps the report out of the results; either way the report is marked
    for a roll-up and the dashboards follow. The decision, with the verdicts
    before and after, is kept in the appeal's history.
    """
    if not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only OPCC coordinators and the commissioner decide appeals.")
    reason = required_text(reason, gettext_lazy("Say why you decided so; the force reads this."))
    appeal = _locked(appeal)
    if not appeal.is_open:
        raise ValidationError(
            gettext("This appeal is already decided: “%(decision)s”.") % {"decision": appeal.get_status_display()}
        )
    data: dict = {}
    if outcome == AppealStatus.RESCORED:
        changes = capture.rescore(
            submission=appeal.submission, by=by, verdicts=verdicts or {}, reason=f"Appeal {appeal.pk}: {reason}"
        )
        appeal.changes = changes
        data = {"changes": changes}
    elif outcome == AppealStatus.VOIDED:
        capture.exclude_from_results(
            submission=appeal.submission, by=by, reason=f"Voided on appeal {appeal.pk}: {reason}"
        )
    elif outcome != AppealStatus.UPHELD:
        raise ValidationError(gettext("Choose a decision: the result stands, rescore it, or void it."))
    appeal.decided_by, appeal.decided_at, appeal.decision_reason = by, timezone.now(), reason
    appeal.move_to(AppealStatus(outcome), by=by, reason=reason, data=data)
    _tell(
        _users_with_role(Role.FORCE_LIAISON),
        appeal,
        "reports/email/appeal_decided.txt",
        gettext_lazy("The OPCC decided an appeal: %(contact_point)s, %(day_text)s"),
    )
    return appeal
