from django.conf import settings
from django.shortcuts import render

from mysteryshop.permissions import role_required
from mysteryshop.roles import Role
from scenarios.models import Scenario, ScenarioStatus

from . import dashboard


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    return render(request, "reports/coordinator_home.html")


@role_required(Role.COMMISSIONER)
def commissioner_home(request):
    """The commissioner's dashboard: a quarter's results from the roll-up tables, with filters."""
    quarters = dashboard.quarters_with_results()
    chosen = request.GET.get("period", "")
    start = next((q for q in quarters if q.isoformat() == chosen), quarters[0] if quarters else None)
    try:
        area_id = int(request.GET.get("area") or 0) or None
    except ValueError:
        area_id = None
    context = {
        "awaiting_approval": Scenario.objects.filter(status=ScenarioStatus.SUBMITTED).exclude(author=request.user),
        "quarters": [(q, dashboard.quarter_label(q)) for q in quarters],
        "chosen_period": start,
        "chosen_area": area_id,
        "green_from": settings.MYSTERYSHOP_GREEN_FROM,
        "amber_from": settings.MYSTERYSHOP_AMBER_FROM,
    }
    if start is not None:
        context["results"] = dashboard.dashboard(start=start, policing_area_id=area_id)
    return render(request, "reports/commissioner_home.html", context)


@role_required(Role.FORCE_LIAISON)
def liaison_home(request):
    return render(request, "reports/liaison_home.html")
