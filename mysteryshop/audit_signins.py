"""Sign-ins, failed sign-ins and sign-outs in the audit log (receivers of Django's auth signals)."""

from __future__ import annotations

from .audit import record
from .models import AuditAction


def signed_in(sender, request, user, **kwargs) -> None:
    record(AuditAction.SIGNED_IN, request=request, user=user, obj=user, description="password accepted")


def signin_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already removed the password from `credentials`; only the name typed is kept.
    username = str(credentials.get("username", ""))
    record(AuditAction.SIGNIN_FAILED, request=request, username=username, description="sign-in refused")


def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditAction.SIGNED_OUT, request=request, user=user, obj=user)
