from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mysteryshop import audit
from mysteryshop.models import AuditAction
from mysteryshop.permissions import role_required
from mysteryshop.roles import OPCC_ROLES, Role
from scenarios.models import IN_PERSON_CHANNELS
from volunteers.forms import ExpenseClaimForm
from volunteers.models import Volunteer

from . import safety, services
from .forms import CancelForm, ConflictForm, DeclineForm, PlanForm, RecognisedForm, ResolveAlertForm, VisitForm
from .models import Assignment, Conflict, QuarterPlan, SafetyAlert, SubmissionStatus, Visit, VisitStatus


def _messages_from(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _schedule(request):
    """The visits this person may see, and a record that they looked."""
    services.record_schedule_view(request)
    return Visit.objects.visible_to(request.user)


# --- The schedule (OPCC staff only) ---------------------------------------------------------


@never_cache
@role_required(*OPCC_ROLES)
def visit_list(request):
    show = request.GET.get("show", "upcoming")
    visits = (
        _schedule(request)
        .select_related("scenario", "contact_point")
        .annotate(booked=Count("assignments", filter=Q(assignments__declined_at__isnull=True)))
    )
    now = timezone.now()
    visits = (
        visits.filter(starts_at__gte=now)
        if show == "upcoming"
        else visits.filter(starts_at__lt=now).order_by("-starts_at")
    )
    return render(request, "visits/visit_list.html", {"visits": visits[:200], "show": show})


@role_required(Role.COORDINATOR)
def visit_create(request):
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = services.create_visit(
            scenario=data["scenario"], contact_point=data["contact_point"], starts_at=data["starts_at"],
            ends_at=data["ends_at"], by=request.user,
        )  # fmt: skip
        messages.success(request, "Visit planned. Now choose the volunteers.")
        return redirect(visit)
    return render(request, "visits/visit_form.html", {"form": form})


@role_required(Role.COORDINATOR)
def visit_edit(request, pk):
    """Move a visit that nobody is booked on yet (for example, a drafted one) to another time or place."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    if visit.status != VisitStatus.PLANNED or visit.assignments.active().exists():
        messages.error(request, "Only a visit with nobody booked can be moved. Cancel it and plan a new one instead.")
        return redirect(visit)
    local = timezone.localtime(visit.starts_at)
    initial = {
        "scenario": visit.scenario, "contact_point": visit.contact_point, "day": local.date(),
        "starts": local.time(), "ends": timezone.localtime(visit.ends_at).time(),
    }  # fmt: skip
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.move_visit(
            visit=visit,
            by=request.user,
            **{k: form.cleaned_data[k] for k in ("scenario", "contact_point", "starts_at", "ends_at")},
        )
        messages.success(request, "Visit moved.")
        return redirect(visit)
    return render(request, "visits/visit_form.html", {"form": form, "visit": visit})


@never_cache
@role_required(*OPCC_ROLES)
def visit_detail(request, pk):
    visit = get_object_or_404(_schedule(request).select_related("scenario", "contact_point", "plan"), pk=pk)
    assignments = visit.assignments.select_related("volunteer").order_by("declined_at", "assigned_at")
    context = {
        "visit": visit,
        "assignments": assignments,
        "events": visit.events.select_related("by"),
        "needed": services.volunteers_needed(visit.scenario),
        "cancel_form": CancelForm(),
        "in_person": visit.contact_point.channel in IN_PERSON_CHANNELS,
        "safety_alert": SafetyAlert.objects.filter(visit=visit).select_related("resolved_by").first(),
        "resolve_form": ResolveAlertForm(),
    }
    open_places = context["needed"] - sum(1 for a in assignments if a.declined_at is None)
    if visit.status in (VisitStatus.PLANNED, VisitStatus.ASSIGNED, VisitStatus.CONFIRMED) and open_places > 0:
        # The picker only while there is a place to fill: a full visit refuses another booking anyway.
        context["candidates"] = services.candidates(visit)[:30]
        context["left_out"] = services.left_out(visit)
        context["in_draft_plan"] = visit.plan is not None and visit.plan.state == QuarterPlan.State.DRAFT
    return render(request, "visits/visit_detail.html", context)


def _coordinator_action(request, pk, action, success, **extra):
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    try:
        action(visit=visit, by=request.user, **extra)
        messages.success(request, success)
    except ValidationError as error:
        _messages_from(request, error)
    return redirect(visit)


@require_POST
@role_required(Role.COORDINATOR)
def visit_assign(request, pk):
    volunteer = Volunteer.objects.filter(pk=request.POST.get("volunteer", "") or 0).first()
    if volunteer is None:
        messages.error(request, "Choose a volunteer from the list.")
        return redirect("visits:visit-detail", pk=pk)
    return _coordinator_action(request, pk, services.assign, f"{volunteer} is booked.", volunteer=volunteer)


@require_POST
@role_required(Role.COORDINATOR)
def visit_suggest(request, pk):
    return _coordinator_action(request, pk, services.fill_visit, "Suggested volunteers are booked.")


@require_POST
@role_required(Role.COORDINATOR)
def visit_cancel(request, pk):
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for cancelling.")
        return redirect("visits:visit-detail", pk=pk)
    return _coordinator_action(
        request, pk, services.cancel_visit, "Visit cancelled.", reason=form.cleaned_data["reason"]
    )


@require_POST
@role_required(Role.COORDINATOR)
def visit_complete(request, pk):
    return _coordinator_action(request, pk, services.mark_completed, "Visit marked as done.")


# --- Quarter plans -----------------------------------------------------------------------


@never_cache
@role_required(*OPCC_ROLES)
def plan_list(request):
    services.record_schedule_view(request)
    plans = QuarterPlan.objects.annotate(visit_count=Count("visits"))
    return render(request, "visits/plan_list.html", {"plans": plans})


@role_required(Role.COORDINATOR)
def plan_create(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.draft_quarter_plan(
                year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"], targets=form.targets(),
                by=request.user, seed=form.cleaned_data["seed"],
            )  # fmt: skip
            messages.success(request, "Draft plan made. Check it, change it if you need to, then confirm it.")
            return redirect(plan)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "visits/plan_form.html", {"form": form})


@never_cache
@role_required(*OPCC_ROLES)
def plan_detail(request, pk):
    services.record_schedule_view(request)
    plan = get_object_or_404(QuarterPlan, pk=pk)
    visits = plan.visits.select_related("scenario", "contact_point").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.active().select_related("volunteer"))
    )
    return render(request, "visits/plan_detail.html", {"plan": plan, "visits": visits})


def _plan_action(request, pk, action, success):
    """Run `action` on the plan; `success` is the message, or makes it from the action's result."""
    plan = get_object_or_404(QuarterPlan, pk=pk)
    try:
        result = action(plan=plan, by=request.user)
        messages.success(request, success(result) if callable(success) else success)
    except ValidationError as error:
        _messages_from(request, error)
        return redirect(plan)
    return redirect(plan) if QuarterPlan.objects.filter(pk=pk).exists() else redirect("visits:plan-list")


@require_POST
@role_required(Role.COORDINATOR)
def plan_confirm(request, pk):
    return _plan_action(
        request, pk, services.confirm_plan, "Plan confirmed. You can now book volunteers for its visits."
    )


@require_POST
@role_required(Role.COORDINATOR)
def plan_fill(request, pk):
    return _plan_action(request, pk, services.fill_plan, str)


def _discarded(told: int) -> str:
    if not told:
        return "Draft plan discarded."
    return f"Draft plan discarded. {told} volunteer{'s' * (told != 1)} booked on its visits {'were' if told != 1 else 'was'} e-mailed a cancellation."


@role_required(Role.COORDINATOR)
def plan_discard(request, pk):
    """Ask first: discarding deletes the draft's visits, and anyone booked on them is sent a cancellation."""
    plan = get_object_or_404(QuarterPlan, pk=pk)
    if request.method == "POST":
        return _plan_action(request, pk, services.discard_plan, _discarded)
    if plan.state != QuarterPlan.State.DRAFT:
        messages.error(request, "A confirmed plan cannot be discarded; cancel its visits one by one.")
        return redirect(plan)
    context = {"plan": plan, "visit_count": plan.visits.count(), "told": services.discard_plan_notices(plan)}
    return render(request, "visits/plan_discard.html", context)


@never_cache
@role_required(*OPCC_ROLES)
def coverage(request):
    services.record_schedule_view(request)
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    return render(
        request,
        "visits/coverage.html",
        {
            "year": year,
            "rows": services.coverage(year=year),
            "months": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        },
    )


@role_required(*OPCC_ROLES)
def conflict_list(request):
    """Declared conflicts of interest: these volunteers never go to these contact points."""
    form = ConflictForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_role(Role.COORDINATOR):
            return HttpResponse(status=403)
        if form.is_valid():
            form.save()
            messages.success(
                request, "Conflict recorded. The picker will never offer this volunteer for that contact point."
            )
            return redirect("visits:conflict-list")
    conflicts = Conflict.objects.select_related("volunteer", "contact_point").order_by("volunteer__last_name")
    return render(request, "visits/conflict_list.html", {"form": form, "conflicts": conflicts})


# --- The volunteer's own visits ----------------------------------------------------------------


def _own_assignments(request):
    return Assignment.objects.filter(volunteer__user=request.user).select_related(
        "visit__scenario", "visit__contact_point"
    )


@never_cache
@role_required(Role.VOLUNTEER)
def my_visits(request):
    """Reports to correct first, then reports to send, then visits to come, then the past."""
    now = timezone.now()
    mine = _own_assignments(request).filter(declined_at__isnull=True).select_related("submission")
    unsent = Q(submission__isnull=True) | Q(submission__status=SubmissionStatus.DRAFT)
    to_send = (
        mine.filter(unsent, visit__starts_at__lte=now)
        .exclude(visit__status__in=[VisitStatus.CANCELLED, VisitStatus.MISSED])
        .order_by("visit__starts_at")
    )
    return render(
        request,
        "visits/my_visits.html",
        {
            "to_correct": mine.filter(submission__status=SubmissionStatus.RETURNED).order_by("visit__starts_at"),
            "to_send": to_send,
            "upcoming": mine.filter(visit__starts_at__gt=now).exclude(visit__status=VisitStatus.CANCELLED),
            "past": mine.filter(visit__starts_at__lte=now)
            .exclude(pk__in=to_send.values("pk"))
            .exclude(submission__status=SubmissionStatus.RETURNED)
            .order_by("-visit__starts_at")[:20],
        },
    )


@never_cache
@role_required(Role.VOLUNTEER)
def assignment_detail(request, pk):
    assignment = get_object_or_404(_own_assignments(request), pk=pk)
    partners = assignment.visit.assignments.active().exclude(pk=assignment.pk).select_related("volunteer")
    check_in_from = assignment.visit.starts_at - timedelta(minutes=settings.MYSTERYSHOP_BOOKING_BUFFER_MINUTES)
    return render(
        request,
        "visits/assignment_detail.html",
        {
            "assignment": assignment,
            "visit": assignment.visit,
            "partners": partners,
            "decline_form": DeclineForm(),
            "visit_started": assignment.visit.starts_at <= timezone.now(),
            "uses_check_in": safety.uses_check_in(assignment),
            "check_in_open": check_in_from <= timezone.now(),
            "check_in_from": check_in_from,
            "recognised_form": RecognisedForm(),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def assignment_accept(request, pk):
    assignment = get_object_or_404(_own_assignments(request), pk=pk)
    try:
        services.accept(assignment=assignment, by=request.user)
        messages.success(request, "Thank you. You are confirmed for this visit.")
    except ValidationError as error:
        _messages_from(request, error)
    return redirect(assignment)


@require_POST
@role_required(Role.VOLUNTEER)
def assignment_decline(request, pk):
    assignment = get_object_or_404(_own_assignments(request), pk=pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.decline(assignment=assignment, by=request.user, reason=reason)
        messages.success(request, "Thank you for letting us know. The coordinator will find someone else.")
    except ValidationError as error:
        _messages_from(request, error)
        return redirect(assignment)
    return redirect("visits:my-visits")


@role_required(Role.VOLUNTEER)
def assignment_expense(request, pk):
    """Claim expenses for this visit, from the visit's own page."""
    assignment = get_object_or_404(_own_assignments(request).filter(declined_at__isnull=True), pk=pk)
    visit = assignment.visit
    purpose = f"Visit to {visit.contact_point} on {timezone.localtime(visit.starts_at):%d %B %Y}"
    form = ExpenseClaimForm(
        request.POST or None, request.FILES or None, volunteer=assignment.volunteer, initial={"purpose": purpose}
    )
    if request.method == "POST" and form.is_valid():
        claim = services.claim_visit_expenses(assignment=assignment, form=form)
        messages.success(request, f"Claim sent: {claim.total_display}. A coordinator will look at it.")
        return redirect(assignment)
    return render(request, "volunteers/expense_form.html", {"form": form})


@role_required(Role.VOLUNTEER)
def assignment_calendar(request, pk):
    assignment = get_object_or_404(_own_assignments(request).filter(declined_at__isnull=True), pk=pk)
    cancelled = assignment.visit.status == VisitStatus.CANCELLED
    response = HttpResponse(
        services.assignment_calendar(assignment, cancelled=cancelled), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mystery-shop-visit.ics"'
    audit.record(AuditAction.EXPORTED, request=request, obj=assignment, description="calendar file downloaded")
    response["Cache-Control"] = "private, no-store"
    return response
