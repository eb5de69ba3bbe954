"""Calibration pages: a volunteer's practice and its comparison with the key; everyone's, for OPCC staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role
from scenarios.models import Scenario
from volunteers.models import Volunteer

from . import calibration, capture
from .capture import shown_answer
from .models import Submission


@role_required(Role.VOLUNTEER)
def practice_list(request):
    """The practice scenarios a volunteer can do, and their own practice reports."""
    volunteer = get_object_or_404(Volunteer, user=request.user)
    reports = list(
        Submission.objects.filter(assignment__volunteer=volunteer, practice=True)
        .select_related("assignment__visit__scenario")
        .order_by("-started_at")[:20]
    )
    _with_key_percent(reports)
    return render(
        request,
        "visits/practice_list.html",
        {
            "scenarios": Scenario.objects.practice_ready().order_by("title"),
            "reports": reports,
            "due": calibration.calibration_due(volunteer),
            "last": calibration.last_practice(volunteer),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def practice_start(request, pk):
    """Start (or carry on with) a practice of this scenario, on the usual questionnaire pages."""
    scenario = get_object_or_404(Scenario.objects.practice_ready(), pk=pk)
    try:
        assignment = calibration.start_practice(scenario=scenario, by=request.user)
        capture.start(assignment=assignment, by=request.user)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("visits:practice-list")
    return redirect("visits:report-section", pk=assignment.pk, number=1)


@role_required(Role.VOLUNTEER, *OPCC_ROLES)
def practice_result(request, pk):
    """A sent practice report beside the answer key, question by question: the volunteer's own, or
    anyone's for OPCC staff."""
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user)
        .filter(practice=True, submitted_at__isnull=False)
        .select_related("assignment__visit__scenario", "assignment__volunteer"),
        pk=pk,
    )
    return render(
        request,
        "visits/practice_result.html",
        {
            "submission": submission,
            "agreement": (agreement := calibration.key_agreement(submission)),
            "rows": [
                (row, shown_answer(row.question, row.given), shown_answer(row.question, row.expected))
                for row in agreement.rows
            ],
            "is_opcc": request.user.has_role(*OPCC_ROLES),
        },
    )


@role_required(*OPCC_ROLES)
def practice_overview(request):
    """Every volunteer's sent practice reports, newest first, with their agreement with the key."""
    sent = (
        Submission.objects.filter(practice=True, submitted_at__isnull=False)
        .select_related("assignment__visit__scenario", "assignment__volunteer")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(sent, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/practice_overview.html",
        {"page": page, "reports": _with_key_percent(list(page.object_list))},
    )


def _with_key_percent(reports: list[Submission]) -> list[Submission]:
    """Give each report `key_percent`: its share of answers the same as the key (a fixed number of queries)."""
    percents = calibration.agreement_percents(reports)
    for report in reports:
        report.key_percent = percents.get(report.pk)
    return reports
