from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role
from scenarios.models import ContactPoint, Scenario

from . import agreement, charts, dashboard, released, retests, services, workload
from . import force_figures as force_figures_service
from .forms import ForceFiguresForm, QuestionnaireHealthForm
from .models import ForceFigure


@never_cache
@role_required(Role.COORDINATOR)
def coordinator_home(request):
    # Visits nobody may go on as they stand (a volunteer dropped out): the one thing here that cannot wait.
    needs = workload.coordinator_needs()
    context = {
        "needs": needs.values(),
        "safety_alerts": list(workload.open_safety_alerts()[:10]) if needs["alerts"].count else [],
        "short_of_a_volunteer": needs["held"].count,
        # Closed findings a year on, for their review (the daily task also e-mails coordinators once).
        "reviews_due": list(retests.reviews_on_home()[:20]),
    }
    return render(request, "reports/coordinator_home.html", context)


def _chosen(request, quarters: list[dashboard.Quarter]) -> tuple[dashboard.Quarter | None, int | None]:
    """The quarter and policing area asked for; anything unknown falls back to the latest, whole force."""
    chosen = request.GET.get("period", "")
    quarter = next((q for q in quarters if q.start.isoformat() == chosen), quarters[0] if quarters else None)
    try:
        area_id = int(request.GET.get("area") or 0) or None
    except ValueError:
        area_id = None
    return quarter, area_id


def _results_context(request, *, for_force: bool) -> dict:
    quarters = dashboard.quarters_with_results(released_only=for_force)
    quarter, area_id = _chosen(request, quarters)
    context = {
        "quarters": quarters,
        "chosen": quarter,
        "chosen_area": area_id,
        "green_from": settings.MYSTERYSHOP_GREEN_FROM,
        "amber_from": settings.MYSTERYSHOP_AMBER_FROM,
        "min_visits": settings.MYSTERYSHOP_MIN_VISITS_TO_JUDGE,
        "min_answers": settings.MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES,
        "for_force": for_force,
    }
    if quarter is not None:
        results = dashboard.dashboard(start=quarter.start, policing_area_id=area_id, for_force=for_force)
        if area_id not in dict(results.policing_areas):
            area_id = context["chosen_area"] = None
        context["results"] = results
        # Drawn on the server like the PDF's charts: the page needs no charting script.
        context["charts"] = charts.for_page(results.chart_content())
        for number, timing in enumerate(results.timings):
            timing["chart"] = context["charts"].get(f"timing-{number}")
        context["quotes"] = dashboard.quotes(start=quarter.start, policing_area_id=area_id, for_force=for_force)
        if not for_force:
            # Planned visits are the schedule: never computed for, let alone shown to, the force.
            context["visits"] = dashboard.visits_done(start=quarter.start, policing_area_id=area_id)
    return context


@never_cache
@role_required(Role.COMMISSIONER)
def commissioner_home(request):
    """The commissioner's dashboard: a quarter's results from the roll-up tables, with filters,
    the release to the force, and scenarios awaiting approval."""
    context = _results_context(request, for_force=False) | {
        "awaiting_approval": Scenario.objects.awaiting_approval_by(request.user),
        "can_release": True,
    }
    return render(request, "reports/commissioner_home.html", context)


@never_cache
@role_required(*OPCC_ROLES)
def results(request):
    """The same dashboard for OPCC coordinators."""
    return render(request, "reports/results.html", _results_context(request, for_force=False))


@never_cache
@role_required(Role.FORCE_LIAISON)
def liaison_home(request):
    """Released results only: quarters the commissioner has released, and nothing else."""
    context = _results_context(request, for_force=True) | {"shows_days": released.shows_days()}
    return render(request, "reports/liaison_home.html", context)


@require_POST
@role_required(Role.COMMISSIONER)
def release(request):
    try:
        start = date.fromisoformat(request.POST.get("period", ""))
        released = services.release_quarter(start=start, by=request.user, note=request.POST.get("note", ""))
    except ValueError:
        messages.error(request, gettext("Choose a quarter to release."))
        return redirect("reports:commissioner-home")
    except ValidationError as error:
        show_refusal(request, error)
        return redirect(_dashboard_for(start))
    messages.success(request, gettext("%(quarter)s results are released to the force.") % {"quarter": released})
    return redirect(_dashboard_for(released.period_start))


def _dashboard_for(start: date) -> str:
    return f"{reverse('reports:commissioner-home')}?{urlencode({'period': start.isoformat()})}"


@never_cache
@role_required(*OPCC_ROLES, Role.FORCE_LIAISON)
def contact_point_results(request, pk, period):
    """Drill down from the league table to a contact point's reports in a quarter. Force liaison:
    only a released quarter, the week of each visit rather than its day, no volunteers."""
    try:
        start = date.fromisoformat(period)
    except ValueError as error:
        raise Http404 from error
    point = get_object_or_404(ContactPoint, pk=pk)
    for_force = not request.user.is_opcc_staff
    if for_force:
        reports = dashboard.released_reports_at(contact_point=point, start=start)
        if not reports:
            raise Http404("No released results here.")
    else:
        reports = dashboard.reports_at(contact_point=point, start=start)
    context = {
        "point": point,
        "period": dashboard.quarter_label(start),
        "start": start,
        "reports": reports,
        "for_force": for_force,
        "shows_days": released.shows_days(),
    }
    return render(request, "reports/contact_point_results.html", context)


@role_required(Role.COORDINATOR)
def force_figures(request):
    """Import the force's published monthly 101 figures; every row is checked and nothing is saved if one is wrong."""
    form = ForceFiguresForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = force_figures_service.import_figures(data=form.cleaned_data["file"].read(), by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                ngettext("%(count)s month of figures saved.", "%(count)s months of figures saved.", len(saved))
                % {"count": len(saved)},
            )
            return redirect("reports:force-figures")
    context = {"form": form, "figures": ForceFigure.objects.order_by("-month")[:36]}
    return render(request, "reports/force_figures.html", context, status=400 if form.errors else 200)


@role_required(*OPCC_ROLES)
def questionnaire_health(request):
    """Agreement per question between the two volunteers of each visit, live and pilot versions apart,
    with the questions whose agreement is low listed first as candidates to reword."""
    today = timezone.localdate()
    defaults = {"start": today - timedelta(days=365), "end": today, "kappa_below": Decimal("0.4"), "min_pairs": 20}
    form = QuestionnaireHealthForm(request.GET or None, initial=defaults)
    settings_used = form.cleaned_data if form.is_bound and form.is_valid() else defaults
    rows = []
    if not form.is_bound or form.is_valid():
        start = timezone.make_aware(datetime.combine(settings_used["start"], time.min))
        end = timezone.make_aware(datetime.combine(settings_used["end"] + timedelta(days=1), time.min))
        rows = agreement.question_agreement(start=start, end=end)
    threshold = {"kappa_below": float(settings_used["kappa_below"]), "min_pairs": settings_used["min_pairs"]}
    live = [row for row in rows if not row.pilot]
    return render(
        request,
        "reports/questionnaire_health.html",
        {
            "form": form,
            "low": [row for row in live if row.is_low(**threshold)],
            "live": live,
            "pilot": [row for row in rows if row.pilot],
            "settings_used": settings_used,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
