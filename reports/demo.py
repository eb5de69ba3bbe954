"""Demo findings: one at each step, citing reports from the first full quarter of results, which is released.

Running it again changes nothing new: the quarter is released once and each
finding is made only if no finding has its title.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Min
from django.utils import timezone

from scenarios.models import CommitmentArea, ContactPoint
from visits.models import Submission, SubmissionStatus

from . import findings
from .documents import last_complete_period
from .models import Finding, ReportKind
from .periods import PeriodKind, period_end, period_start
from .services import release_quarter, request_report


@dataclass(frozen=True)
class DemoFinding:
    title: str
    contact_point: str | None
    areas: tuple[str, ...]
    what_was_found: str
    recommendation: str
    # Steps after raising, each (step, text), and how many days ago each happened, raising first.
    steps: tuple[tuple[str, str], ...]
    days_ago: tuple[int, ...]


DEMO_FINDINGS = [
    DemoFinding(
        title="Give every 101 caller a reference number",
        contact_point="101 non-emergency line",
        areas=("keeping-informed", "initial-contact"),
        what_was_found="In the released quarter, volunteers calling 101 were often not given a reference number "
        "or told what would happen next.",
        recommendation="Remind call handlers to give a reference number and explain the next step on every call, "
        "and check this in call quality reviews.",
        steps=(
            (
                "respond",
                "Call handlers were briefed and the call script now prompts for a reference number. "
                "Supervisors check ten calls a week.",
            ),
            ("accept", ""),
            (
                "close",
                "The 101 call script now prompts call handlers to give a reference number and say what "
                "happens next, and supervisors check ten calls a week.",
            ),
        ),
        days_ago=(75, 64, 60, 30),
    ),
    DemoFinding(
        title="Answer the counter bell at Hanley within five minutes",
        contact_point="Hanley Police Station",
        areas=("easy-to-contact",),
        what_was_found="Volunteers at Hanley Police Station often waited with nobody at the counter, and the lunch "
        "closure is not shown on the force website.",
        recommendation="Publish the lunch closure on the website and the door, and make sure someone answers the "
        "counter bell within five minutes.",
        steps=(
            (
                "respond",
                "The lunch closure is now on the website and the door. We are reviewing counter cover "
                "and will report back.",
            ),
        ),
        days_ago=(16, 4),
    ),
    DemoFinding(
        title="Update victims when you said you would",
        contact_point=None,
        areas=("victims-of-crime", "keeping-informed"),
        what_was_found="Across the force, reports show victims were not always told when they would next hear "
        "about their investigation.",
        recommendation="Agree with every victim when and how they will be updated, record it, and keep to it.",
        steps=(
            ("respond", "Officers already follow the Victims' Code."),
            ("challenge", "Please say what the force will change, and how it will check that updates happen."),
        ),
        days_ago=(30, 20, 3),
    ),
    DemoFinding(
        title="Make the contact page easy to find on the force website",
        contact_point="Force website",
        areas=("easy-to-contact",),
        what_was_found="Volunteers took several clicks to find how to contact their neighbourhood team.",
        recommendation="Link the contact page from the home page and from every neighbourhood page.",
        steps=(),
        days_ago=(24,),
    ),
]


def seed() -> None:
    users = get_user_model().objects.in_bulk(["coordinator", "commissioner", "liaison"], field_name="username")
    _release_first_full_quarter(users["commissioner"])
    for demo in DEMO_FINDINGS:
        if not Finding.objects.filter(title=demo.title).exists():
            _make(demo, users)
    _force_figures(users["coordinator"])
    _appeal(users["liaison"])
    _retest(users["coordinator"])
    _evidence_pack(users["coordinator"])
    _reports(users["coordinator"])


def _force_figures(coordinator) -> None:
    """A year of the force's own published 101 figures, as a coordinator would import them (months held stay)."""
    from .force_figures import import_figures
    from .models import ForceFigure

    month = timezone.localdate().replace(day=1)
    lines = ["month,calls,average answer time,calls abandoned"]
    for back in range(1, 13):
        year, index = divmod(month.year * 12 + month.month - 1 - back, 12)
        if not ForceFigure.objects.filter(month__year=year, month__month=index + 1).exists():
            calls = 38000 + 250 * ((back * 7) % 11)
            lines.append(f"{year}-{index + 1:02d},{calls},{80 + (back * 13) % 40},{calls * (6 + back % 4) // 100}")
    if len(lines) > 1:
        import_figures(data="\n".join(lines).encode(), by=coordinator)


def _appeal(liaison) -> None:
    """One open appeal from the force against a released result."""
    from .appeals import appealable_reports, raise_appeal
    from .models import Appeal

    report = appealable_reports().order_by("overall_score", "pk").first()
    if liaison is None or report is None or Appeal.objects.exists():
        return
    raise_appeal(
        submission=report,
        by=liaison,
        ground="misunderstanding",
        explanation="The call was transferred to the right team; the caller was told the reference by text.",
    )


RETESTED = "Give every 101 caller a reference number"


def _retest(coordinator) -> None:
    """The closed 101 finding was re-tested by a later call, and a coordinator decided it is fixed.

    (Planned today, a re-test goes in next quarter; here it is one of the calls made since the
    response was accepted, so the demo has a result to show. The force and the public see it once
    that quarter is released.)"""
    from .models import Retest, RetestResult
    from .retests import record_retest_result, suggested_result

    finding = Finding.objects.filter(title=RETESTED, status="closed").first()
    if coordinator is None or finding is None or Retest.objects.filter(finding=finding).exists():
        return
    accepted = finding.events.filter(to_status="accepted").values_list("at", flat=True).first()
    later = (
        Submission.objects.in_results()
        .filter(assignment__visit__contact_point=finding.contact_point, assignment__visit__starts_at__gt=accepted)
        .exclude(assignment__visit__retest__isnull=False)
        .order_by("assignment__visit__starts_at")
        .first()
    )
    if later is None:
        return
    retest = Retest.objects.create(
        finding=finding, visit=later.assignment.visit, scheduled_by=coordinator, scheduled_at=accepted
    )
    suggestion = suggested_result(retest)
    record_retest_result(
        retest=retest,
        by=coordinator,
        result=(suggestion.result if suggestion and suggestion.result else RetestResult.FIXED),
        note="The caller was given a reference number and told what would happen next.",
    )


def _evidence_pack(coordinator) -> None:
    """The demo appeal's evidence pack, with its report's page times, made and shared with the force."""
    from visits.models import PageTiming

    from .evidence import make_evidence_pack, share_evidence_pack
    from .models import Appeal, EvidencePack

    appeal = Appeal.objects.order_by("pk").first()
    if coordinator is None or appeal is None or EvidencePack.objects.filter(appeal=appeal).exists():
        return
    report = appeal.submission
    sent = report.submitted_at or timezone.now()
    sections = list(report.version.sections.order_by("order", "pk"))
    for number, section in enumerate(sections):
        # Pages filled one after another in the hour before sending.
        opened = sent - timedelta(minutes=6 * (len(sections) - number))
        PageTiming.objects.get_or_create(
            submission=report, section=section,
            defaults={"first_opened_at": opened, "last_saved_at": opened + timedelta(minutes=4)},
        )  # fmt: skip
    make_evidence_pack(appeal=appeal, by=coordinator)
    share_evidence_pack(appeal=appeal, by=coordinator)


def _reports(coordinator) -> None:
    """Last week's scrutiny report and the last quarter's panel report, made as a coordinator would
    ask for them (asking again gives the same ones)."""
    today = timezone.localdate()
    for kind in ReportKind.values:
        request_report(kind=kind, start=last_complete_period(kind, today), by=coordinator)


def _release_first_full_quarter(commissioner) -> None:
    """The commissioner releases the first quarter the demo's year of reports covers in full; later ones are left
    to release. Being the first full quarter of a past year, it has always ended."""
    first = Submission.objects.filter(status=SubmissionStatus.APPROVED).aggregate(
        first=Min("assignment__visit__starts_at")
    )["first"]
    if first is None:
        return
    first_day = timezone.localtime(first).date()
    start = period_start(PeriodKind.QUARTER, first_day)
    if start != first_day:
        start = period_end(PeriodKind.QUARTER, start)
    if period_end(PeriodKind.QUARTER, start) <= timezone.localdate():
        release_quarter(start=start, by=commissioner, note="The first full quarter of the scheme's results.")


def _make(demo: DemoFinding, users) -> None:
    contact_point = ContactPoint.objects.filter(name=demo.contact_point).first() if demo.contact_point else None
    if demo.contact_point and contact_point is None:
        return
    cited = findings.citable_reports().order_by("overall_score", "pk")
    cited = cited.filter(assignment__visit__contact_point=contact_point) if contact_point else cited.none()
    finding = findings.raise_finding(
        by=users["coordinator"],
        title=demo.title,
        what_was_found=demo.what_was_found,
        recommendation=demo.recommendation,
        contact_point=contact_point,
        commitment_areas=CommitmentArea.objects.filter(slug__in=demo.areas),
        cited_reports=list(cited[:3]),
    )
    for step, text in demo.steps:
        if step == "respond":
            findings.respond_to_finding(finding=finding, by=users["liaison"], response=text)
        elif step == "accept":
            findings.accept_finding(finding=finding, by=users["commissioner"])
        elif step == "challenge":
            findings.challenge_finding(finding=finding, by=users["coordinator"], comment=text)
        elif step == "close":
            findings.close_finding(finding=finding, by=users["coordinator"], what_changed=text)
    _as_if_it_happened(finding, demo)


def _as_if_it_happened(finding: Finding, demo: DemoFinding) -> None:
    """Move the steps back to the demo's days, so due dates, overdue responses and history look real."""
    now = timezone.now()
    when = [now - timedelta(days=days) for days in demo.days_ago]
    names = ["raise", *(step for step, _ in demo.steps)]
    for event, at in zip(finding.events.order_by("at", "pk"), when, strict=True):
        event.at = at
        event.save(update_fields=["at"])
    asked = [at for name, at in zip(names, when, strict=True) if name in ("raise", "challenge")][-1]
    answered = [at for name, at in zip(names, when, strict=True) if name == "respond"]
    Finding.objects.filter(pk=finding.pk).update(
        raised_at=when[0],
        response_due=findings.response_due_from(timezone.localtime(asked).date()),
        responded_at=answered[-1] if answered else None,
        closed_at=when[-1] if names[-1] == "close" else None,
    )
