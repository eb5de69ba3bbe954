from django.shortcuts import render

from mysteryshop.permissions import role_required
from mysteryshop.roles import Role


@role_required(Role.VOLUNTEER)
def volunteer_home(request):
    return render(request, "volunteers/volunteer_home.html")


@role_required(Role.APPLICANT)
def applicant_home(request):
    return render(request, "volunteers/applicant_home.html")
