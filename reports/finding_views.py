"""Findings: raised by the OPCC, answered by the force, published once closed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role

from . import findings, retests
from .forms import (
    ChallengeForm,
    CloseForm,
    CorrectionForm,
    FindingForm,
    ResponseForm,
    RetestForm,
    RetestResultForm,
    ScopeForm,
)
from .models import Finding, FindingStatus, Retest

FINDING_READERS = (*OPCC_ROLES, Role.FORCE_LIAISON)
LIST_PAGE_SIZE = 50
LIST_FILTERS = [
    ("", gettext_lazy("All findings")),
    ("overdue", gettext_lazy("Overdue responses")),
    *FindingStatus.choices,
]


@role_required(*FINDING_READERS)
def finding_list(request):
    today = timezone.localdate()
    shown, show = (
        Finding.objects.visible_to(request.user)
        .select_related("contact_point")
        .listed(request.GET.get("show", ""), today)
    )
    context = {
        "findings": Paginator(shown, LIST_PAGE_SIZE).get_page(request.GET.get("page")),
        "show": show,
        "show_label": dict(LIST_FILTERS)[show],
        "filters": LIST_FILTERS,
        "overdue_count": Finding.objects.visible_to(request.user).overdue(today).count(),
        "can_raise": request.user.has_role(*OPCC_ROLES),
        "response_days": settings.MYSTERYSHOP_FINDING_RESPONSE_DAYS,
    }
    return render(request, "reports/finding_list.html", context)


@role_required(*FINDING_READERS)
def finding_detail(request, pk):
    finding = get_object_or_404(
        Finding.objects.visible_to(request.user).select_related("contact_point", "raised_by", "responded_by"), pk=pk
    )
    return _render_detail(request, finding)


def _render_detail(request, finding, **forms):
    """The finding's page; `forms` are bound forms sent back with their errors, so nothing typed is lost."""
    is_opcc = request.user.has_role(*OPCC_ROLES)
    context = (
        _retest_context(request, finding, is_opcc)
        | {
            "finding": finding,
            "areas": finding.commitment_areas.all(),
            # Everyone sees cited reports as the force does; OPCC staff also get a link to the full report.
            "citations": findings.released_citations(finding),
            "events": finding.events.select_related("by"),
            "is_opcc": is_opcc,
            "can_respond": request.user.has_role(Role.FORCE_LIAISON) and finding.awaits_force,
            "can_decide": is_opcc and finding.status == FindingStatus.RESPONDED,
            "can_close": is_opcc and finding.status in (FindingStatus.ACCEPTED, FindingStatus.CHALLENGED),
            "can_correct": is_opcc and finding.status == FindingStatus.CLOSED,
            "response_form": ResponseForm(),
            "challenge_form": ChallengeForm(),
            "close_form": CloseForm(),
            "correct_form": CorrectionForm(
                initial={name: getattr(finding, name) for name in findings.PUBLISHED_FIELDS}
            ),
        }
        | forms
    )
    shown = {
        "response_form": "can_respond",
        "challenge_form": "can_decide",
        "close_form": "can_close",
        "correct_form": "can_correct",
        "retest_form": "can_schedule_retest",
        "result_form": "can_decide_retest",
    }
    for name, form in forms.items():
        if not context[shown[name]]:  # the form is not on the page in this state: say why in words
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    retest_errors = any(name in forms for name in ("retest_form", "result_form"))
    context["has_errors"] = retest_errors
    return render(request, "reports/finding_detail.html", context, status=400 if retest_errors else 200)


def _retest_context(request, finding, is_opcc: bool) -> dict:
    """The re-test part of the page. Force liaison learn of a re-test only from its released result:
    a planned or undecided one is not there for them at all."""
    if not is_opcc:
        return {"retest": retests.released_result(finding)}
    retest = Retest.objects.filter(finding=finding).select_related("visit__scenario").first()
    is_coordinator = request.user.has_role(Role.COORDINATOR)
    suggestion = retests.suggested_result(retest) if retest else None
    can_schedule = is_coordinator and retests.can_schedule(finding)
    return {
        "retest": retest,
        "retest_released": retest is not None and retests.released_result(finding) is not None,
        "suggestion": suggestion,
        "can_schedule_retest": can_schedule,
        "can_decide_retest": is_coordinator and retest is not None and suggestion is not None,
        "retest_form": RetestForm(finding=finding) if can_schedule else None,
        "result_form": RetestResultForm(
            initial={"result": retest.result or suggestion.result, "note": retest.result_note}
            if retest and suggestion
            else None
        ),
    }


@role_required(*OPCC_ROLES)
def finding_create(request):
    """Two questions: which contact point (or the whole force), then the finding with reports on it to cite."""
    if "contact_point" not in request.GET:
        return render(request, "reports/finding_scope.html", {"form": ScopeForm()})
    scope = ScopeForm(request.GET)
    if not scope.is_valid():
        return render(request, "reports/finding_scope.html", {"form": scope})
    contact_point = scope.cleaned_data["contact_point"]
    form = FindingForm(request.POST or None, contact_point=contact_point)
    if request.method == "POST" and form.is_valid():
        try:
            finding = findings.raise_finding(by=request.user, contact_point=contact_point, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Finding raised. The force's response is due by %(day)s.")
                % {"day": formats.date_format(finding.response_due, "j F Y")},
            )
            return redirect(finding)
    context = {
        "form": form,
        "contact_point": contact_point,
        "nothing_to_cite": not form.fields["cited_reports"].queryset.exists(),
        "response_days": settings.MYSTERYSHOP_FINDING_RESPONSE_DAYS,
    }
    return render(request, "reports/finding_form.html", context)


def _act(request, pk, action, success: str, form_class=None, form_name: str = ""):
    """Run one step on a finding this user may see, with the posted form if the step takes one."""
    finding = get_object_or_404(Finding.objects.visible_to(request.user), pk=pk)
    extra = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return _render_detail(request, finding, **{form_name: form})
        extra = form.cleaned_data
    try:
        action(finding=finding, by=request.user, **extra)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, success)
    return redirect(finding)


@require_POST
@role_required(Role.FORCE_LIAISON)
def finding_respond(request, pk):
    return _act(
        request,
        pk,
        findings.respond_to_finding,
        gettext_lazy("Response sent to the OPCC."),
        ResponseForm,
        "response_form",
    )


@require_POST
@role_required(*OPCC_ROLES)
def finding_accept(request, pk):
    return _act(
        request,
        pk,
        findings.accept_finding,
        gettext_lazy("Response accepted. Close the finding once the change is made."),
    )


@require_POST
@role_required(*OPCC_ROLES)
def finding_challenge(request, pk):
    return _act(
        request,
        pk,
        findings.challenge_finding,
        gettext_lazy("Response challenged. The force has been asked to respond again."),
        ChallengeForm,
        "challenge_form",
    )


def _publish_in_two_steps(request, pk, *, form_class, form_name, action, success, button):
    """Publishing goes in two steps: first exactly what the public page will show, to check; then
    "Publish", which sends the text that was shown. "Change it" goes back to the form with the text kept."""
    finding = get_object_or_404(
        Finding.objects.visible_to(request.user).select_related("contact_point").prefetch_related("commitment_areas"),
        pk=pk,
    )
    form = form_class(request.POST)
    if not form.is_valid() or request.POST.get("step") == "change":
        return _render_detail(request, finding, **{form_name: form})
    if request.POST.get("step") != "publish":
        context = {
            "finding": finding,
            "form": form,
            "shown": {
                name: form.cleaned_data.get(name) or getattr(finding, name) for name in findings.PUBLISHED_FIELDS
            },
            "action": request.path,
            "button": button,
        }
        return render(request, "reports/finding_publish_check.html", context)
    return _act(request, pk, action, success, form_class, form_name)


@require_POST
@role_required(*OPCC_ROLES)
def finding_close(request, pk):
    return _publish_in_two_steps(
        request,
        pk,
        form_class=CloseForm,
        form_name="close_form",
        action=findings.close_finding,
        success=gettext_lazy("Finding closed and published on the “You said, we did” page."),
        button=gettext_lazy("Close and publish"),
    )


@require_POST
@role_required(*OPCC_ROLES)
def finding_correct(request, pk):
    """Correct what the public page shows of a closed finding, checked the same way before it is published."""
    return _publish_in_two_steps(
        request,
        pk,
        form_class=CorrectionForm,
        form_name="correct_form",
        action=findings.correct_published_finding,
        success=gettext_lazy("Correction published on the “You said, we did” page. The force has been told."),
        button=gettext_lazy("Publish the correction"),
    )


@require_GET
def you_said_we_did(request):
    """Public: closed findings and what changed. Nothing about visits or volunteers."""
    published = (
        Finding.objects.published()
        .select_related("contact_point")
        .prefetch_related("commitment_areas")
        .order_by("-closed_at", "-pk")
    )
    # A re-test's result appears only once its quarter is released (`retests.released_result`).
    checked = retests.released_results(list(published))
    for finding in published:
        finding.released_retest = checked.get(finding.pk)
    return render(request, "reports/you_said_we_did.html", {"findings": published})


@require_POST
@role_required(Role.COORDINATOR)
def finding_retest(request, pk):
    """Plan a verification visit next quarter. The force is told nothing (see `reports.retests`)."""
    finding = get_object_or_404(Finding.objects.visible_to(request.user).select_related("contact_point"), pk=pk)
    if finding.contact_point_id is None:
        messages.error(request, gettext("Only a finding about one contact point can be re-tested."))
        return redirect(finding)
    form = RetestForm(request.POST, finding=finding)
    if not form.is_valid():
        return _render_detail(request, finding, retest_form=form)
    try:
        retest = retests.schedule_retest(
            finding=finding, by=request.user, scenario=form.cleaned_data["scenario"],
            starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"],
        )  # fmt: skip
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, finding, retest_form=form)
    messages.success(
        request,
        gettext("Re-test planned for %(day)s at %(time)s. Book volunteers on it like any visit. The force is not told.")
        % {
            "day": formats.date_format(timezone.localtime(retest.visit.starts_at), "j F Y"),
            "time": f"{timezone.localtime(retest.visit.starts_at):%H:%M}",
        },
    )
    return redirect(finding)


@require_POST
@role_required(Role.COORDINATOR)
def finding_retest_result(request, pk):
    """Record what the re-test found, confirming or changing the suggestion from the questions."""
    finding = get_object_or_404(Finding.objects.visible_to(request.user), pk=pk)
    retest = get_object_or_404(Retest, finding=finding)
    form = RetestResultForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, finding, result_form=form)
    try:
        retests.record_retest_result(retest=retest, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, gettext("Re-test result saved. The force and the public see it once its quarter is released.")
        )
    return redirect(finding)
