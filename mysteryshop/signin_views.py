"""Sign-in pages beyond Django's own: the two-factor steps, Sign-in security, password reset and the lockout page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import links, mail, signin
from .audit import record
from .models import AuditAction
from .signin_forms import CodeForm, RecoveryCodeForm


def _next_url(request) -> str:
    """Where to go once the code is confirmed: the page first asked for, if it is on this site."""
    candidate = request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _step(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _staff_only(request) -> None:
    if not request.user.needs_two_factor:
        raise PermissionDenied("Two-factor sign-in is for staff accounts.")


def _bound(form_class, request):
    return form_class(request.POST if request.method == "POST" else None)


@login_required
def two_factor_verify(request):
    """The code step after the password, for staff who have an authenticator app."""
    user = request.user
    if not user.needs_two_factor or user.is_verified():
        return redirect(_next_url(request))
    if signin.authenticator_for(user) is None:
        return redirect(_step("two-factor-recovery" if signin.has_two_factor(user) else "two-factor-setup", request))
    form = _bound(CodeForm, request)
    if form.is_valid():
        try:
            signin.verify_code(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            record(AuditAction.CODE_FAILED, request=request, description="authenticator code refused")
            form.add_error("code", error)
        else:
            record(AuditAction.SIGNED_IN, request=request, description="authenticator code accepted")
            return redirect(_next_url(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_recovery(request):
    """The code step with a recovery code instead, for someone without their phone."""
    user = request.user
    if not user.needs_two_factor or user.is_verified():
        return redirect(_next_url(request))
    form = _bound(RecoveryCodeForm, request)
    if form.is_valid():
        try:
            left = signin.verify_recovery_code(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            record(AuditAction.CODE_FAILED, request=request, description="recovery code refused")
            form.add_error("code", error)
        else:
            record(AuditAction.SIGNED_IN, request=request, description="recovery code accepted")
            messages.info(
                request,
                ngettext(
                    "You signed in with a recovery code; it will not work again. You have %(left)s left: "
                    "make new ones, or set up your app again, from Sign-in security.",
                    "You signed in with a recovery code; it will not work again. You have %(left)s left: "
                    "make new ones, or set up your app again, from Sign-in security.",
                    left,
                )
                % {"left": left},
            )
            return redirect(_next_url(request))
    return render(request, "registration/two_factor_recovery.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_setup(request):
    """Add an authenticator app: scan the QR code (or type the key), confirm a code, get recovery codes once.

    At first sign-in this is the code step. Someone who already has an app reaches it
    only after confirming a code, from Sign-in security, to move to a different app.
    """
    _staff_only(request)
    user = request.user
    if signin.has_two_factor(user) and not user.is_verified():
        return redirect(_step("two-factor-verify", request))
    key = signin.pending_secret(request)
    form = _bound(CodeForm, request)
    if form.is_valid():
        try:
            codes = signin.confirm_authenticator(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    context = {
        "form": form,
        "qr_code": signin.setup_qr_code(user=user, key=key),
        "secret": signin.secret_in_groups(key),
        "replacing": signin.authenticator_for(user) is not None,
    }
    return render(request, "registration/two_factor_setup.html", context)


@login_required
def signin_security(request):
    """The person's authenticator app and recovery codes, with ways to replace them."""
    _staff_only(request)
    context = {
        "authenticator": signin.authenticator_for(request.user),
        "codes_left": signin.recovery_codes_left(request.user),
        "code_count": signin.RECOVERY_CODE_COUNT,
    }
    return render(request, "registration/signin_security.html", context)


@require_POST
@login_required
def recovery_codes_new(request):
    """Replace the recovery codes and show the new ones, once."""
    _staff_only(request)
    codes = signin.new_recovery_codes(user=request.user)
    return render(
        request, "registration/recovery_codes.html", {"codes": codes, "next": reverse("signin-security"), "new": True}
    )


@require_POST
@login_required
def still_here(request):
    """Sent by static/js/still-here.js while someone types: it counts as activity for the staff idle timeout."""
    return HttpResponse(status=204)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per client address and per e-mail address.

    Whether or not a link is sent, the same page follows, so it never tells whether an address has an account.
    The e-mail goes through the outbox (`mail.PasswordResetForm`), never from inside the request.
    """

    form_class = mail.PasswordResetForm

    def form_valid(self, form):
        if signin.may_send_password_reset(request=self.request, email=form.cleaned_data["email"]):
            # The link uses the site's one address, as every other e-mail does (mysteryshop.links).
            self.extra_email_context = {"site_url": links.site_url()}
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response: a plain page saying when to try again (429, not an error)."""
    context = {
        "until": signin.clock_time(signin.signin_paused_until(request, credentials)),
        "minutes": settings.MYSTERYSHOP_SIGNIN_LOCKOUT_MINUTES,
    }
    return render(request, "registration/locked_out.html", context, status=429)
