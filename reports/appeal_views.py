"""Appeals: the force appeals a released result, the OPCC decides. Force liaison see no volunteers' identities."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mysteryshop import audit
from mysteryshop.models import AuditAction
from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role

from . import appeals, evidence
from .forms import AppealForm, DecideAppealForm, WithdrawAppealForm
from .models import Appeal, AppealStatus

APPEAL_READERS = (*OPCC_ROLES, Role.FORCE_LIAISON)


@role_required(*APPEAL_READERS)
def appeal_list(request):
    today = timezone.localdate()
    shown, show = (
        Appeal.objects.visible_to(request.user)
        .select_related("submission__assignment__visit__contact_point")
        .listed(request.GET.get("show", ""), today)
    )
    context = {
        "appeals": Paginator(shown, 50).get_page(request.GET.get("page")),
        "show": show,
        "today": today,
        "filters": [("", gettext("All appeals")), ("overdue", gettext("Overdue decisions")), *AppealStatus.choices],
        "is_opcc": request.user.has_role(*OPCC_ROLES),
        "decision_days": settings.MYSTERYSHOP_APPEAL_DECISION_DAYS,
    }
    return render(request, "reports/appeal_list.html", context)


@role_required(Role.FORCE_LIAISON)
def appeal_create(request, submission_pk):
    """Appeal one released result. Anything not released (or not counting) is simply not there."""
    submission = get_object_or_404(appeals.appealable_reports(), pk=submission_pk)
    result = appeals.result_of(submission, user=request.user)
    if result is None:
        raise Http404("No released result here.")
    decided = appeals.decided_appeal(submission)
    if decided is not None:  # a result is appealed once; say so where the decision is
        messages.info(request, gettext("The OPCC has decided an appeal on this result. Its decision is final."))
        return redirect(decided)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = appeals.raise_appeal(submission=submission, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Appeal sent. The OPCC will decide by %(day)s.")
                % {"day": date_format(appeal.decide_by, "j F Y")},
            )
            return redirect(appeal)
    context = {"form": form, "result": result, "decision_days": settings.MYSTERYSHOP_APPEAL_DECISION_DAYS}
    return render(request, "reports/appeal_form.html", context, status=400 if form.errors else 200)


def _appeal_for(request, pk) -> Appeal:
    return get_object_or_404(
        Appeal.objects.visible_to(request.user).select_related("submission", "raised_by", "decided_by"), pk=pk
    )


@role_required(*APPEAL_READERS)
def appeal_detail(request, pk):
    return _render_detail(request, _appeal_for(request, pk))


def _render_detail(request, appeal: Appeal, *, decide_form=None, withdraw_form=None):
    result = appeals.result_of(appeal.submission, user=request.user)
    if result is None:
        raise Http404("No released result here.")
    is_opcc = request.user.has_role(*OPCC_ROLES)
    context = {
        "appeal": appeal,
        "result": result,
        "events": appeal.events.select_related("by"),
        "is_opcc": is_opcc,
        "can_decide": is_opcc and appeal.is_open,
        "can_withdraw": request.user.has_role(Role.FORCE_LIAISON) and appeal.is_open,
        "decide_form": decide_form or DecideAppealForm(lines=result.lines),
        "withdraw_form": withdraw_form or WithdrawAppealForm(),
        # Force liaison see a pack only once the OPCC has shared it; the timings nowhere else.
        "pack": evidence.visible_pack(appeal, request.user),
    }
    bound = decide_form or withdraw_form
    return render(request, "reports/appeal_detail.html", context, status=400 if bound is not None else 200)


@require_POST
@role_required(*OPCC_ROLES)
def appeal_decide(request, pk):
    appeal = _appeal_for(request, pk)
    result = appeals.result_of(appeal.submission, user=request.user)
    form = DecideAppealForm(request.POST, lines=result.lines if result else [])
    if not form.is_valid():
        return _render_detail(request, appeal, decide_form=form)
    try:
        appeals.decide_appeal(
            appeal=appeal,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            verdicts=form.verdicts(),
        )
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, gettext("Decision recorded. The results follow within minutes."))
    return redirect(appeal)


@require_POST
@role_required(Role.FORCE_LIAISON)
def appeal_withdraw(request, pk):
    appeal = _appeal_for(request, pk)
    form = WithdrawAppealForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, appeal, withdraw_form=form)
    try:
        appeals.withdraw_appeal(appeal=appeal, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, gettext("Appeal withdrawn."))
    return redirect(appeal)


# --- Evidence packs ------------------------------------------------------------------------


@require_POST
@role_required(*OPCC_ROLES)
def evidence_pack_make(request, pk):
    appeal = _appeal_for(request, pk)
    evidence.make_evidence_pack(appeal=appeal, by=request.user)
    messages.success(request, gettext("Evidence pack made. Read it below before you share it with the force."))
    return redirect(f"{appeal.get_absolute_url()}#evidence-pack")


@require_POST
@role_required(*OPCC_ROLES)
def evidence_pack_share(request, pk):
    appeal = _appeal_for(request, pk)
    try:
        evidence.share_evidence_pack(appeal=appeal, by=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, gettext("Evidence pack shared. Force liaison can now read it on this appeal's page."))
    return redirect(f"{appeal.get_absolute_url()}#evidence-pack")


@never_cache
@role_required(*APPEAL_READERS)
def evidence_pack_pdf(request, pk):
    """The pack as a PDF: OPCC staff, or force liaison once it is shared (otherwise there is none)."""
    appeal = _appeal_for(request, pk)
    pack = evidence.visible_pack(appeal, request.user)
    if pack is None:
        raise Http404("No evidence pack here.")
    try:
        pdf = evidence.pack_pdf(pack)
    except evidence.documents.DocumentError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.file_name()}"'
    response["Cache-Control"] = "private, no-store"
    audit.record(AuditAction.EXPORTED, request=request, obj=pack, description=f"{pack.file_name()} downloaded")
    return response
