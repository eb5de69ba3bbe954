from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

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
                    f"You were signed out because you had not used the site for "
                    f"{settings.MYSTERYSHOP_STAFF_IDLE_MINUTES} minutes. Sign in again to carry on.",
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
