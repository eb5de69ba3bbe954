"""The audit log page: every event, searchable, for system administrators only."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .audit_forms import AuditSearchForm
from .models import AuditEvent

PAGE_SIZE = 50


def superuser_required(view):
    """System administrators (Django superusers) only: anonymous people sign in, everyone else gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied("Only system administrators can read the audit log.")
        return view(request, *args, **kwargs)

    return wrapped


@superuser_required
@require_GET
def audit_log(request):
    """Search every audit event. Two queries whatever the number of rows: a count and one page."""
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        events = events.search(**form.filters())
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mysteryshop/audit_log.html", {"form": form, "page": page})
