"""Pages for volunteers' safety and anonymity, the mix of who visits, and returned reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mysteryshop import dates
from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role
from volunteers.models import Volunteer

from . import safety, services, views
from .forms import RecognisedForm, ResolveAlertForm
from .models import Assignment, SafetyAlert, Visit


def _own_assignment(request, pk) -> Assignment:
    return get_object_or_404(Assignment.objects.filter(volunteer__user=request.user), pk=pk)


def _volunteer_action(request, pk, action, success):
    assignment = _own_assignment(request, pk)
    try:
        action(assignment=assignment, by=request.user)
        messages.success(request, success)
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(assignment)


@require_POST
@role_required(Role.VOLUNTEER)
def check_in(request, pk):
    return _volunteer_action(request, pk, safety.check_in, gettext("You are checked in. Check out when you leave."))


@require_POST
@role_required(Role.VOLUNTEER)
def check_out(request, pk):
    return _volunteer_action(
        request, pk, safety.check_out, gettext("You are checked out. Thank you, and travel safely.")
    )


@require_POST
@role_required(Role.VOLUNTEER)
def recognised(request, pk):
    """ "I think I was recognised": the report leaves the results and the volunteer stays away from there."""
    assignment = _own_assignment(request, pk)
    form = RecognisedForm(request.POST)
    if not form.is_valid():  # a note too long: say so and keep it, rather than dropping it
        return views.render_assignment(request, assignment, recognised_form=form)
    try:
        safety.report_recognised(assignment=assignment, by=request.user, note=form.cleaned_data["note"])
        messages.success(
            request,
            gettext(
                "Thank you for telling us. Your report on this visit will not count in the results, "
                "and you will not be sent to this place again for a while."
            ),
        )
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(assignment)


@require_POST
@role_required(Role.COORDINATOR)
def alert_resolve(request, pk):
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    alert = get_object_or_404(SafetyAlert, visit=visit)
    form = ResolveAlertForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["note"])
        safety.resolve_alert(alert=alert, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, gettext("Safety alert resolved."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(visit)


@never_cache
@role_required(*OPCC_ROLES)
def coverage_mix(request):
    """Who visited each in-person contact point over a year: age band, gender, disability."""
    services.record_schedule_view(request)
    year = dates.year_to_show(request.GET.get("year"))
    return render(request, "visits/coverage_mix.html", {"year": year, **safety.coverage_mix(year=year)})


@never_cache
@role_required(*OPCC_ROLES)
def volunteer_returns(request, pk):
    """A volunteer's record of reports returned for correction, for OPCC staff."""
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "visits/volunteer_returns.html",
        {"volunteer": volunteer, "returns": safety.returned_reports(volunteer)},
    )
