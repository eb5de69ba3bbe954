"""Findings: the OPCC's recommendations to the force, the force's answers, and the public record.

Steps follow `FINDING_TRANSITIONS` (see `reports.models`): open → responded →
accepted or challenged → closed; a challenged finding goes back to the force
and is responded to again, or is closed. Each step is one function here that
checks the role, moves the finding with a history row and e-mails the other
side after the transaction commits.

The secrecy rule: the force must never learn of a visit that has not been
released. A finding may cite only approved reports on visits in a quarter the
commissioner has released (`citable_reports`), and the pages show a cited
report only as `Citation`: contact point, week (`reports.released`), channel,
score and the reviewer's redacted quotes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy

from mysteryshop.mail import send_email
from mysteryshop.roles import OPCC_ROLES, Role
from scenarios.models import CommitmentArea, ContactPoint
from visits.models import Answer, Submission, SubmissionStatus

from . import released
from .models import Finding, FindingEvent, FindingStatus
from .periods import PeriodKind, period_end
from .services import is_released, released_quarters
from .workingdays import add_working_days

# --- What a finding may cite, and what the force sees of it -------------------------------


def citable_reports() -> QuerySet[Submission]:
    """Approved reports on visits in a released quarter: the only reports a finding may cite."""
    tz = timezone.get_current_timezone()
    released = Q()
    for start in released_quarters():
        released |= Q(
            assignment__visit__starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
            assignment__visit__starts_at__lt=datetime.combine(
                period_end(PeriodKind.QUARTER, start), time.min, tzinfo=tz
            ),
        )
    if not released:
        return Submission.objects.none()
    return Submission.objects.in_results().filter(released)


def visit_day(report: Submission) -> date:
    return timezone.localtime(report.assignment.visit.starts_at).date()


@dataclass(frozen=True)
class Citation:
    """A cited report as anyone reading a finding may see it, as released to the force: no names, no
    times, the week of the visit rather than its day (`released.visit_date`), no volunteers' own words."""

    report_id: int
    contact_point: str
    channel: str
    when: str
    score: object
    quotes: list[str] = field(default_factory=list)


def released_citations(finding: Finding) -> list[Citation]:
    """The finding's cited reports that are (still) released, as `Citation`s, in two queries.

    The release rule is applied again here, so a report can never reach a
    page unless its quarter is released, however it came to be cited.
    """
    quotes = Answer.objects.exclude(redacted_text="").order_by("pk").only("submission_id", "redacted_text")
    reports = (
        citable_reports()
        .filter(findings=finding)
        .select_related("assignment__visit__contact_point")
        .prefetch_related(Prefetch("answers", queryset=quotes, to_attr="released_answers"))
    )
    # In order of the week (not the time): the order must not say which came first within it.
    reports = sorted(
        reports,
        key=lambda report: (
            released.sort_key(visit_day(report)),
            report.assignment.visit.contact_point.name,
            report.pk,
        ),
    )
    return [
        Citation(
            report_id=report.pk,
            contact_point=report.assignment.visit.contact_point.name,
            channel=report.assignment.visit.contact_point.get_channel_display(),
            when=released.visit_date(visit_day(report)),
            score=report.overall_score,
            quotes=[answer.redacted_text for answer in report.released_answers],
        )
        for report in reports
    ]


def _check_citable(reports: Iterable[Submission], contact_point: ContactPoint | None) -> None:
    problems = []
    for report in reports:
        visit = report.assignment.visit
        described = {"day": formats.date_format(visit_day(report), "j F Y"), "place": visit.contact_point.name}
        if report.status != SubmissionStatus.APPROVED or report.excluded:
            problems.append(
                gettext(
                    "The report of %(day)s at %(place)s is not approved or is kept out of the results, "
                    "so it cannot be cited."
                )
                % described
            )
        elif not is_released(visit_day(report)):
            problems.append(
                gettext(
                    "The report of %(day)s at %(place)s is in a quarter the commissioner has not released "
                    "to the force, so it cannot be cited."
                )
                % described
            )
        elif contact_point is not None and visit.contact_point_id != contact_point.pk:
            problems.append(
                gettext("The report of %(day)s at %(place)s is not about %(about)s.")
                % {**described, "about": contact_point.name}
            )
    if problems:
        raise ValidationError(problems)


def response_due_from(day: date) -> date:
    """The last day for the force's response to something raised or challenged on `day`."""
    return add_working_days(day, settings.MYSTERYSHOP_FINDING_RESPONSE_DAYS)


# --- The workflow --------------------------------------------------------------------------


def _require_opcc(user, doing: str) -> None:
    if not user.has_role(*OPCC_ROLES):
        raise PermissionDenied(f"Only OPCC coordinators and the commissioner {doing}.")


def required_text(text: str, message: str) -> str:
    """The text, stripped; `message` as a ValidationError when nothing is left."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().get(pk=finding.pk)


@transaction.atomic
def raise_finding(
    *,
    by,
    title: str,
    what_was_found: str,
    recommendation: str,
    contact_point: ContactPoint | None = None,
    commitment_areas: Iterable[CommitmentArea] = (),
    cited_reports: Iterable[Submission] = (),
) -> Finding:
    """Raise a finding with the force; their response is due in the scheme's working days.

    It may cite only approved reports from released quarters (and, for a
    finding about one contact point, only reports on it). Force liaison
    users are e-mailed.
    """
    _require_opcc(by, "raise findings")
    title = required_text(title, gettext_lazy("Give the finding a title."))
    what_was_found = required_text(what_was_found, gettext_lazy("Say what was found."))
    recommendation = required_text(recommendation, gettext_lazy("Say what you recommend the force does."))
    reports = list(
        Submission.objects.filter(pk__in=[report.pk for report in cited_reports]).select_related(
            "assignment__visit__contact_point"
        )
    )
    _check_citable(reports, contact_point)
    finding = Finding.objects.create(
        title=title,
        what_was_found=what_was_found,
        recommendation=recommendation,
        contact_point=contact_point,
        raised_by=by,
        raised_at=timezone.now(),
        response_due=response_due_from(timezone.localdate()),
    )
    finding.commitment_areas.set(commitment_areas)
    finding.cited_reports.set(reports)
    FindingEvent.objects.create(finding=finding, to_status=FindingStatus.OPEN, by=by)
    _tell(_liaison_users(), finding, "reports/email/finding_raised.txt", gettext_lazy("New finding: %(title)s"))
    return finding


@transaction.atomic
def respond_to_finding(*, finding: Finding, by, response: str) -> Finding:
    """The force answers an open or challenged finding. The person who raised it is e-mailed."""
    if not by.has_role(Role.FORCE_LIAISON):
        raise PermissionDenied("Only force liaison staff respond to findings.")
    response = required_text(response, gettext_lazy("Write the force’s response."))
    finding = _locked(finding)
    finding.response, finding.responded_by, finding.responded_at = response, by, timezone.now()
    finding.move_to(FindingStatus.RESPONDED, by=by, reason=response)
    _tell(
        [finding.raised_by],
        finding,
        "reports/email/finding_responded.txt",
        gettext_lazy("The force responded: %(title)s"),
    )
    return finding


@transaction.atomic
def accept_finding(*, finding: Finding, by) -> Finding:
    """The OPCC accepts the force's response; closing it with what changed comes next."""
    _require_opcc(by, "accept responses")
    finding = _locked(finding)
    finding.move_to(FindingStatus.ACCEPTED, by=by)
    _tell(_liaison_users(), finding, "reports/email/finding_accepted.txt", gettext_lazy("Response accepted: %(title)s"))
    return finding


@transaction.atomic
def challenge_finding(*, finding: Finding, by, comment: str) -> Finding:
    """The OPCC challenges the force's response, saying why; a new response is due in the scheme's working days."""
    _require_opcc(by, "challenge responses")
    comment = required_text(comment, gettext_lazy("Say why you challenge the response."))
    finding = _locked(finding)
    finding.response_due = response_due_from(timezone.localdate())
    # A new response is due, so its reminders are owed again.
    finding.reminded_at = finding.overdue_notified_at = None
    finding.move_to(FindingStatus.CHALLENGED, by=by, reason=comment)
    _tell(
        _liaison_users(),
        finding,
        "reports/email/finding_challenged.txt",
        gettext_lazy("Response challenged: %(title)s"),
    )
    return finding


@transaction.atomic
def close_finding(*, finding: Finding, by, what_changed: str) -> Finding:
    """Close an accepted or challenged finding with what changed, for the public "You said, we did" page."""
    _require_opcc(by, "close findings")
    what_changed = required_text(what_changed, gettext_lazy("Say what changed, for the public page."))
    finding = _locked(finding)
    finding.what_changed, finding.closed_at = what_changed, timezone.now()
    finding.move_to(FindingStatus.CLOSED, by=by, reason=what_changed)
    _tell(_liaison_users(), finding, "reports/email/finding_closed.txt", gettext_lazy("Finding closed: %(title)s"))
    return finding


# What the public "You said, we did" page shows of a closed finding, and may be corrected after closing.
PUBLISHED_FIELDS = ("title", "recommendation", "what_changed")


@transaction.atomic
def correct_published_finding(
    *, finding: Finding, by, title: str, recommendation: str, what_changed: str, reason: str
) -> Finding:
    """Correct what the public page shows of a closed finding (a mistake, or a name that slipped in).

    The text before and after is kept in the finding's history with the reason; the force is told.
    """
    _require_opcc(by, "correct published findings")
    new = {
        "title": required_text(title, gettext_lazy("Give the finding a title.")),
        "recommendation": required_text(recommendation, gettext_lazy("Say what you recommended the force does.")),
        "what_changed": required_text(what_changed, gettext_lazy("Say what changed, for the public page.")),
    }
    reason = required_text(reason, gettext_lazy("Say why the published text is corrected."))
    finding = _locked(finding)
    if finding.status != FindingStatus.CLOSED:
        raise ValidationError(gettext("Only a closed, published finding is corrected this way; until then, close it."))
    old = {name: getattr(finding, name) for name in PUBLISHED_FIELDS}
    if old == new:
        raise ValidationError(gettext("Nothing is changed: edit the text you want to correct."))
    for name, value in new.items():
        setattr(finding, name, value)
    finding.save(update_fields=list(PUBLISHED_FIELDS))
    FindingEvent.objects.create(
        finding=finding, from_status=finding.status, to_status=finding.status, by=by, reason=reason,
        data={"corrected": True, "before": old, "after": new},
    )  # fmt: skip
    _tell(
        _liaison_users(), finding, "reports/email/finding_corrected.txt", gettext_lazy("Finding corrected: %(title)s")
    )
    return finding


# --- Reminders ----------------------------------------------------------------------------


def send_finding_reminders() -> tuple[int, int]:
    """Daily: remind the force of responses due within a few working days, and tell the OPCC of overdue ones.

    Each finding is claimed with a conditional update before anything is
    sent, so a run repeated (or two at once) sends each reminder once per
    response due. Returns (findings reminded, findings newly overdue).
    """
    now, today = timezone.now(), timezone.localdate()
    soon = add_working_days(today, settings.MYSTERYSHOP_FINDING_REMINDER_DAYS)
    # The claims and the e-mails in one transaction: all sent once, or (if the task dies) none
    # claimed and all sent by the next run.
    with transaction.atomic():
        due_soon = _claim(Finding.objects.awaiting_force().filter(response_due__lte=soon), "reminded_at", now)
        overdue = _claim(Finding.objects.overdue(today), "overdue_notified_at", now)
        if due_soon:
            _tell(
                _liaison_users(),
                due_soon,
                "reports/email/findings_due.txt",
                gettext_lazy("Findings awaiting your response"),
            )
        for user, theirs in _overdue_recipients(overdue):
            _tell(
                [user], theirs, "reports/email/findings_overdue.txt", gettext_lazy("Findings with an overdue response")
            )
    return len(due_soon), len(overdue)


def _claim(candidates: QuerySet[Finding], marker: str, now: datetime) -> list[Finding]:
    unclaimed = {f"{marker}__isnull": True}
    claimed = []
    for finding in candidates.filter(**unclaimed).select_related("raised_by", "contact_point").order_by("response_due"):
        if Finding.objects.awaiting_force().filter(pk=finding.pk, **unclaimed).update(**{marker: now}):
            claimed.append(finding)
    return claimed


def _overdue_recipients(overdue: list[Finding]) -> list[tuple[object, list[Finding]]]:
    """Every coordinator hears of every overdue finding; whoever raised one hears of it too."""
    if not overdue:
        return []
    recipients: dict[int, tuple[object, list[Finding]]] = {
        user.pk: (user, list(overdue)) for user in _users_with_role(Role.COORDINATOR)
    }
    for finding in overdue:
        if finding.raised_by.is_active and finding.raised_by.email:
            recipients.setdefault(finding.raised_by.pk, (finding.raised_by, []))
            if finding not in recipients[finding.raised_by.pk][1]:
                recipients[finding.raised_by.pk][1].append(finding)
    return list(recipients.values())


# --- E-mail -------------------------------------------------------------------------------


def _users_with_role(role: Role):
    return get_user_model().objects.filter(is_active=True, groups__name=role).exclude(email="").distinct()


def _liaison_users():
    return list(_users_with_role(Role.FORCE_LIAISON))


def _tell(users, about: Finding | list[Finding], template: str, subject) -> None:
    """E-mail each user on their own (addressed by name), once the transaction commits."""
    context = {"today": timezone.localdate()}
    context |= {"findings": about} if isinstance(about, list) else {"finding": about, "title": about.title}
    for user in users:
        send_email(to=user.email, subject=subject, template=template, context=context | {"user": user})
