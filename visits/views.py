from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mysteryshop import audit, dates
from mysteryshop.models import AuditAction
from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role
from mysteryshop.spreadsheets import csv_response
from scenarios.models import IN_PERSON_CHANNELS
from volunteers.forms import ExpenseClaimForm
from volunteers.models import Volunteer

from . import calibration, safety, services
from .forms import (
    CancelForm,
    ConflictForm,
    DeclineForm,
    PilotForm,
    PlanForm,
    RecognisedForm,
    ResolveAlertForm,
    VisitForm,
)
from .models import Assignment, Conflict, QuarterPlan, SafetyAlert, SubmissionStatus, Visit, VisitStatus


def _schedule(request):
    """The visits this person may see, and a record that they looked."""
    services.record_schedule_view(request)
    return Visit.objects.visible_to(request.user)


# --- The schedule (OPCC staff only) ---------------------------------------------------------

VISITS_PER_PAGE = 50


@never_cache
@role_required(*OPCC_ROLES)
def visit_list(request):
    """One page of visits at a time. The page is cut first and its booked places counted after, so the
    page costs the same with a hundred past visits or twenty thousand (bench/test_bench_lists.py)."""
    show, visits = _listed(request, _schedule(request).select_related("scenario", "contact_point"))
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    on_page = [visit.pk for visit in page]
    places = Assignment.objects.active().filter(visit__in=on_page).order_by().values("visit")
    booked = dict(places.annotate(n=Count("pk")).values_list("visit", "n"))
    for visit in page:
        visit.booked = booked.get(visit.pk, 0)
    context = {
        "page": page,
        "show": show,
        "held": set(Visit.objects.held().filter(pk__in=on_page).values_list("pk", flat=True)),
        "held_count": Visit.objects.held().count(),
    }
    return render(request, "visits/visit_list.html", context)


def _listed(request, visits):
    """The visits of the list's tab (`show`): upcoming (the default), short of a volunteer, or past."""
    show = request.GET.get("show", "upcoming")
    now = timezone.now()
    if show == "short":
        return "short", visits.filter(pk__in=Visit.objects.held().values("pk")).order_by("starts_at", "pk")
    if show == "past":
        return "past", visits.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    return "upcoming", visits.filter(starts_at__gte=now).order_by("starts_at", "pk")


@never_cache
@role_required(*OPCC_ROLES)
def visit_export(request):
    """The list's visits as a spreadsheet, every one of them (not a page): confidential, and recorded."""
    show, visits = _listed(request, _schedule(request).select_related("scenario", "contact_point"))
    visits = visits.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.active().select_related("volunteer"), to_attr="booked")
    )
    held = set(Visit.objects.held().values_list("pk", flat=True))
    header = [
        gettext("Day"), gettext("Starts"), gettext("Ends"), gettext("Contact point"), gettext("Channel"),
        gettext("Scenario"), gettext("Status"), gettext("Volunteers needed"), gettext("Volunteers booked"),
        gettext("Short of a volunteer"),
    ]  # fmt: skip
    rows = [header] + [
        [
            f"{timezone.localtime(visit.starts_at):%Y-%m-%d}",
            f"{timezone.localtime(visit.starts_at):%H:%M}",
            f"{timezone.localtime(visit.ends_at):%H:%M}",
            visit.contact_point.name,
            visit.contact_point.get_channel_display(),
            visit.scenario.title,
            visit.get_status_display(),
            visit.scenario.volunteers_needed,
            "; ".join(str(assignment.volunteer) for assignment in visit.booked),
            gettext("Yes") if visit.pk in held else "",
        ]
        for visit in visits
    ]
    audit.record(
        AuditAction.EXPORTED, request=request, object_type="visits.visit", description=f"visit schedule CSV ({show})"
    )
    return csv_response(rows, filename=f"visits-{show}-{timezone.localdate():%Y-%m-%d}.csv")


@role_required(Role.COORDINATOR)
def visit_create(request):
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = services.create_visit(
            scenario=data["scenario"], contact_point=data["contact_point"], starts_at=data["starts_at"],
            ends_at=data["ends_at"], by=request.user,
        )  # fmt: skip
        messages.success(request, gettext("Visit planned. Now choose the volunteers."))
        return redirect(visit)
    return render(request, "visits/visit_form.html", {"form": form})


@role_required(Role.COORDINATOR)
def visit_edit(request, pk):
    """Move a visit that nobody is booked on yet (for example, a drafted one) to another time or place."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    if visit.status != VisitStatus.PLANNED or visit.assignments.active().exists():
        messages.error(
            request, gettext("Only a visit with nobody booked can be moved. Cancel it and plan a new one instead.")
        )
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
        messages.success(request, gettext("Visit moved."))
        return redirect(visit)
    return render(request, "visits/visit_form.html", {"form": form, "visit": visit})


@never_cache
@role_required(*OPCC_ROLES)
def visit_detail(request, pk):
    visit = get_object_or_404(_schedule(request).select_related("scenario", "contact_point", "plan"), pk=pk)
    return _render_visit(request, visit)


def _render_visit(request, visit, *, cancel_form=None):
    assignments = visit.assignments.select_related("volunteer").order_by("declined_at", "assigned_at")
    context = {
        "visit": visit,
        "assignments": assignments,
        "events": visit.events.select_related("by"),
        "needed": visit.volunteers_needed,
        "hold_reason": visit.hold_reason(),
        "hold_deadline": services.hold_deadline(visit),
        "cancel_form": cancel_form or CancelForm(),
        "in_person": visit.contact_point.channel in IN_PERSON_CHANNELS,
        "safety_alert": SafetyAlert.objects.filter(visit=visit).select_related("resolved_by").first(),
        "resolve_form": ResolveAlertForm(),
        "pilot_form": PilotForm(visit=visit),
    }
    open_places = context["needed"] - sum(1 for a in assignments if a.declined_at is None)
    if visit.status in (VisitStatus.PLANNED, VisitStatus.ASSIGNED, VisitStatus.CONFIRMED) and open_places > 0:
        # The picker only while there is a place to fill: a full visit refuses another booking anyway.
        context["candidates"] = services.candidates(visit)[:30]
        context["left_out"] = services.left_out(visit)
        context["in_draft_plan"] = visit.plan is not None and visit.plan.state == QuarterPlan.State.DRAFT
    return render(request, "visits/visit_detail.html", context, status=400 if cancel_form is not None else 200)


def _coordinator_action(request, pk, action, success, **extra):
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    try:
        action(visit=visit, by=request.user, **extra)
        messages.success(request, success)
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(visit)


@require_POST
@role_required(Role.COORDINATOR)
def visit_pilot(request, pk):
    """Run a new questionnaire version as a pilot on this visit, or go back to the usual one."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user).select_related("scenario"), pk=pk)
    form = PilotForm(request.POST, visit=visit)
    if not form.is_valid():
        messages.error(request, gettext("Choose a questionnaire version from the list."))
        return redirect(visit)
    version = form.cleaned_data["version"]
    success = (
        gettext("This visit will pilot %(version)s.") % {"version": version}
        if version
        else gettext("This visit will use the usual questionnaire.")
    )
    return _coordinator_action(request, pk, services.set_pilot_version, success, version=version)


@require_POST
@role_required(Role.COORDINATOR)
def visit_assign(request, pk):
    volunteer = Volunteer.objects.filter(pk=request.POST.get("volunteer", "") or 0).first()
    if volunteer is None:
        messages.error(request, gettext("Choose a volunteer from the list."))
        return redirect("visits:visit-detail", pk=pk)
    return _coordinator_action(
        request,
        pk,
        services.assign,
        gettext("%(volunteer)s is booked.") % {"volunteer": volunteer},
        volunteer=volunteer,
    )


@require_POST
@role_required(Role.COORDINATOR)
def visit_suggest(request, pk):
    visit = get_object_or_404(Visit.objects.visible_to(request.user).select_related("scenario", "contact_point"), pk=pk)
    try:
        booked = services.fill_visit(visit=visit, by=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        if booked:
            names = ", ".join(str(a.volunteer) for a in booked)
            messages.success(request, gettext("Booked: %(names)s.") % {"names": names})
        else:
            messages.error(
                request,
                gettext(
                    "Nobody was booked: not enough volunteers can go at this time, and nobody goes on an "
                    "in-person visit alone. Try another time, or book volunteers one by one from the list."
                )
                if visit.in_person
                else gettext(
                    "Nobody was booked: nobody can go at this time. Try another time, or see below who cannot "
                    "go, and why."
                ),
            )
    return redirect(visit)


@require_POST
@role_required(Role.COORDINATOR)
def visit_cancel(request, pk):
    form = CancelForm(request.POST)
    if not form.is_valid():  # the reason is missing or too long: say which, keeping what was typed
        visit = get_object_or_404(_schedule(request).select_related("scenario", "contact_point", "plan"), pk=pk)
        return _render_visit(request, visit, cancel_form=form)
    return _coordinator_action(
        request, pk, services.cancel_visit, gettext("Visit cancelled."), reason=form.cleaned_data["reason"]
    )


@require_POST
@role_required(Role.COORDINATOR)
def visit_complete(request, pk):
    return _coordinator_action(request, pk, services.mark_completed, gettext("Visit marked as done."))


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
            messages.success(request, gettext("Draft plan made. Check it, change it if you need to, then confirm it."))
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
        show_refusal(request, error)
        return redirect(plan)
    return redirect(plan) if QuarterPlan.objects.filter(pk=pk).exists() else redirect("visits:plan-list")


@require_POST
@role_required(Role.COORDINATOR)
def plan_confirm(request, pk):
    return _plan_action(
        request, pk, services.confirm_plan, gettext("Plan confirmed. You can now book volunteers for its visits.")
    )


@require_POST
@role_required(Role.COORDINATOR)
def plan_fill(request, pk):
    return _plan_action(request, pk, services.fill_plan, str)


def _discarded(told: int) -> str:
    if not told:
        return gettext("Draft plan discarded.")
    return ngettext(
        "Draft plan discarded. %(count)s volunteer booked on its visits was e-mailed a cancellation.",
        "Draft plan discarded. %(count)s volunteers booked on its visits were e-mailed a cancellation.",
        told,
    ) % {"count": told}


@role_required(Role.COORDINATOR)
def plan_discard(request, pk):
    """Ask first: discarding deletes the draft's visits, and anyone booked on them is sent a cancellation."""
    plan = get_object_or_404(QuarterPlan, pk=pk)
    if request.method == "POST":
        return _plan_action(request, pk, services.discard_plan, _discarded)
    if plan.state != QuarterPlan.State.DRAFT:
        messages.error(request, gettext("A confirmed plan cannot be discarded; cancel its visits one by one."))
        return redirect(plan)
    context = {"plan": plan, "visit_count": plan.visits.count(), "told": services.discard_plan_notices(plan)}
    return render(request, "visits/plan_discard.html", context)


@never_cache
@role_required(*OPCC_ROLES)
def coverage(request):
    services.record_schedule_view(request)
    year = dates.year_to_show(request.GET.get("year"))
    return render(
        request,
        "visits/coverage.html",
        {
            "year": year,
            "rows": services.coverage(year=year),
            "months": [date_format(date(2000, month, 1), "M") for month in range(1, 13)],
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
                request,
                gettext("Conflict recorded. The picker will never offer this volunteer for that contact point."),
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
            "practice_due": calibration.calibration_on_home(get_object_or_404(Volunteer, user=request.user)),
            "to_send": to_send,
            "upcoming": mine.filter(visit__starts_at__gt=now).exclude(visit__status=VisitStatus.CANCELLED),
            "past": mine.filter(visit__starts_at__lte=now)
            .exclude(pk__in=to_send.values("pk"))
            .exclude(submission__status=SubmissionStatus.RETURNED)
            .order_by("-visit__starts_at")[:20],
            # Visits on hold, short of a volunteer: said on each one, so nobody sets off alone (the volunteer
            # booked in place of one who dropped out is asked to accept instead).
            "held": {
                assignment.visit_id
                for assignment in mine.filter(visit__in=Visit.objects.held()).select_related("visit")
                if not assignment.visit.awaits_acceptance_from(assignment)
            },
        },
    )


@never_cache
@role_required(Role.VOLUNTEER)
def assignment_detail(request, pk):
    assignment = get_object_or_404(_own_assignments(request), pk=pk)
    return render_assignment(request, assignment)


def render_assignment(request, assignment, *, decline_form=None, recognised_form=None):
    """A volunteer's page for one booking; bound forms come back with their errors, keeping what was typed."""
    visit, now = assignment.visit, timezone.now()
    partners = visit.assignments.active().exclude(pk=assignment.pk).select_related("volunteer")
    window = safety.CheckWindow.of(visit)
    hold = visit.hold_reason() if not assignment.declined_at else ""
    # The volunteer booked in place of one who dropped out: the visit waits for them, not on them.
    joining = bool(hold) and visit.assignments.active().count() >= 2 and visit.awaits_acceptance_from(assignment)
    context = {
        "assignment": assignment,
        "visit": visit,
        "partners": partners,
        "decline_form": decline_form or DeclineForm(),
        "visit_started": visit.starts_at <= now,
        "uses_check_in": safety.uses_check_in(assignment),
        "hold_reason": "" if joining else hold,
        "joining": joining,
        "hold_deadline": services.hold_deadline(visit),
        "check_in_from": window.opens,
        "check_in_open": window.opens <= now,
        "may_check_in": window.may_check_in(now) and not hold,  # not even the one joining, until they accept
        "may_check_out": window.may_check_out(now),
        "check_closed": now > window.check_out_closes,
        "recognised_form": recognised_form or RecognisedForm(),
    }
    bound = decline_form or recognised_form
    return render(request, "visits/assignment_detail.html", context, status=400 if bound is not None else 200)


@require_POST
@role_required(Role.VOLUNTEER)
def assignment_accept(request, pk):
    assignment = get_object_or_404(_own_assignments(request), pk=pk)
    try:
        services.accept(assignment=assignment, by=request.user)
        messages.success(request, gettext("Thank you. You are confirmed for this visit."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(assignment)


@require_POST
@role_required(Role.VOLUNTEER)
def assignment_decline(request, pk):
    assignment = get_object_or_404(_own_assignments(request), pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():  # a reason too long: say so, keep it, and decline nothing yet
        return render_assignment(request, assignment, decline_form=form)
    try:
        services.decline(assignment=assignment, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, gettext("Thank you for letting us know. The coordinator will find someone else."))
    except ValidationError as error:
        show_refusal(request, error)
        return redirect(assignment)
    return redirect("visits:my-visits")


@role_required(Role.VOLUNTEER)
def assignment_expense(request, pk):
    """Claim expenses for this visit, from the visit's own page."""
    assignment = get_object_or_404(_own_assignments(request).filter(declined_at__isnull=True), pk=pk)
    visit = assignment.visit
    purpose = gettext("Visit to %(place)s on %(day)s") % {
        "place": visit.contact_point,
        "day": date_format(timezone.localtime(visit.starts_at), "d F Y"),
    }
    form = ExpenseClaimForm(
        request.POST or None, request.FILES or None, volunteer=assignment.volunteer, initial={"purpose": purpose},
        already_claimed=services.claims_for(assignment),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        claim = services.claim_visit_expenses(assignment=assignment, form=form)
        messages.success(
            request, gettext("Claim sent: %(total)s. A coordinator will look at it.") % {"total": claim.total_display}
        )
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
