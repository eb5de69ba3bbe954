from django.shortcuts import render

from mysteryshop.permissions import role_required
from mysteryshop.roles import Role
from scenarios.models import Scenario, ScenarioStatus


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    return render(request, "reports/coordinator_home.html")


@role_required(Role.COMMISSIONER)
def commissioner_home(request):
    awaiting = Scenario.objects.filter(status=ScenarioStatus.SUBMITTED).exclude(author=request.user)
    return render(request, "reports/commissioner_home.html", {"awaiting_approval": awaiting})


@role_required(Role.FORCE_LIAISON)
def liaison_home(request):
    return render(request, "reports/liaison_home.html")
