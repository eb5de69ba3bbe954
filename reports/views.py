from django.shortcuts import render

from mysteryshop.permissions import role_required
from mysteryshop.roles import Role


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    return render(request, "reports/coordinator_home.html")


@role_required(Role.COMMISSIONER)
def commissioner_home(request):
    return render(request, "reports/commissioner_home.html")


@role_required(Role.FORCE_LIAISON)
def liaison_home(request):
    return render(request, "reports/liaison_home.html")
