from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.security import SecurityMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

from . import signin

# Pages an unverified member of staff may still reach: signing in and out, the code steps,
# password reset, the health check and the public pages.
OPEN_BEFORE_TWO_FACTOR = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "two-factor-verify",
        "two-factor-recovery",
        "two-factor-setup",
        "healthz",
        "home",
        "volunteers:application-create",
        "volunteers:application-received",
        "volunteers:privacy-notice",
        "reports:you-said-we-did",
    }
)
# The last-activity stamp is written at most this often, so a busy page does not write the session every time.
ACTIVITY_RESOLUTION_SECONDS = 60


class SecurityHeadersMiddleware(SecurityMiddleware):
    """Django's security headers (nosniff, referrer policy, opener policy, HSTS) on every answer.

    Django's own SecurityMiddleware adds them only to answers that get past its request step;
    a plain-HTTP request for a host the site does not serve fails inside that step (the
    HTTPS redirect asks for the host), so its 400 would go without. This copy, outside it,
    only adds headers, and never redirects.
    """

    def process_request(self, request):
        return None


# What anything served that is not an HTML page may do when opened on its own: nothing. No
# script, no form, no fetch, in a unique origin (`sandbox`) that cannot read the site's pages or
# cookies. Inline styles are allowed so a chart opened on its own still looks right.
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"


class SandboxedFilesMiddleware:
    """Give every answer that is not an HTML page (receipts, photos, charts, CSV, PDF, JSON) `FILE_POLICY`.

    A PDF receipt as uploaded can hold JavaScript and links; a chart is SVG, which can hold
    script. Whatever a file holds, the browser runs none of it under this policy. django-csp
    (outside this middleware) leaves a policy already set alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            response["Content-Security-Policy"] = FILE_POLICY
        return response


class NoStoreForSignedInMiddleware:
    """Pages seen by a signed-in person may hold personal data or the schedule: never cache them.

    Nor the answer to any form sent (a public application form shown again with its errors
    holds what the person typed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in or request.method == "POST":
            add_never_cache_headers(response)
        return response


class StaffIdleTimeoutMiddleware:
    """Sign staff out after `MYSTERYSHOP_STAFF_IDLE_MINUTES` without a request, with a message on the sign-in page.

    Volunteers are not timed out: they fill long questionnaires on phones, and their answers are saved as they go.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.needs_two_factor:
            now = int(time.time())
            last = request.session.get(signin.LAST_ACTIVITY_SESSION_KEY)
            if last is not None and now - last > settings.MYSTERYSHOP_STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    ngettext(
                        "You were signed out because you had not used the site for %(minutes)s minute. "
                        "Sign in again to carry on.",
                        "You were signed out because you had not used the site for %(minutes)s minutes. "
                        "Sign in again to carry on.",
                        settings.MYSTERYSHOP_STAFF_IDLE_MINUTES,
                    )
                    % {"minutes": settings.MYSTERYSHOP_STAFF_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[signin.LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Keep staff who have not confirmed a code this session to the code step, whatever page they ask for.

    django-otp's OTPMiddleware (before this one) sets `request.user.is_verified()`.
    Someone with no authenticator app yet is sent to set one up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.needs_two_factor or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_BEFORE_TWO_FACTOR:
            return None
        step = "two-factor-verify" if signin.has_two_factor(user) else "two-factor-setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class MethodNotAllowedPageMiddleware:
    """Give a refused method (405, e.g. opening by link what only a form may do) a page, not a blank screen.

    Django's `require_POST` answers with an empty body, which a browser shows as a blank error.
    Someone who followed an old link or bookmark gets the site's own page with a way on instead;
    the status and the `Allow` header stay as Django set them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method in ("GET", "HEAD"):
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
