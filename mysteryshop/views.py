from __future__ import annotations

import hmac
import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from . import health
from . import metrics as metrics_page
from .roles import Role

# Each role's own landing page, in order of precedence for people with several.
LANDING_PAGES = (
    (Role.COMMISSIONER, "reports:commissioner-home"),
    (Role.COORDINATOR, "reports:coordinator-home"),
    (Role.FORCE_LIAISON, "reports:liaison-home"),
    (Role.VOLUNTEER, "visits:my-visits"),
    (Role.APPLICANT, "volunteers:applicant-home"),
)


def home(request):
    """Send each person to their own landing page; the public see the welcome page."""
    if not request.user.is_authenticated:
        return render(request, "home.html", {"minimum_age": settings.MYSTERYSHOP_MINIMUM_AGE})
    for role, url_name in LANDING_PAGES:
        if request.user.has_role(role):
            return redirect(url_name)
    if request.user.is_superuser:
        return redirect("admin:index")
    return render(request, "no_role.html", status=403)


@require_GET
@never_cache
def healthz(request):
    """Database and Redis state for load balancers and monitoring; no secrets."""
    checks = {"database": health.database_state(), "redis": health.redis_state()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    body = {"status": "ok" if healthy else "unavailable", **checks}
    body["worker_last_seen_seconds"] = health.worker_last_seen_seconds() if checks["database"] == "ok" else None
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
@never_cache
def metrics(request):
    """Prometheus metrics, for the monitoring server that holds MYSTERYSHOP_METRICS_TOKEN; refused to anyone else."""
    token = settings.MYSTERYSHOP_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise PermissionDenied("The metrics page needs the monitoring token.")
    return HttpResponse(metrics_page.latest(), content_type=CONTENT_TYPE_LATEST)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A form sent from an old page, or with cookies blocked: say what to do, not why Django refused it."""
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """A page for an unexpected error, rendered without a request context: the error may be the database itself.

    When the database cannot be reached (restarting, failing over) the answer is 503 with a Retry-After:
    nothing is wrong with what the person did, and it will work again in a few minutes.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render({}))
