"""The audit log: who did what, when and from where, in one append-only table.

`record(...)` writes one `AuditEvent`. Views and services call it for what only
they know (a sign-in, a view of the schedule, a download of personal data, an
erasure). Creating, changing and deleting the programme's main records
(volunteers, scenarios, visits and their pairs, reports, findings) is recorded
for every path — services, the admin, the shell — by `track(Model)`, which each
app calls from its `AppConfig.ready()`. `AuditMiddleware` records refusals
(every 403, and 404s for signed-in people on pages about one object) and makes
the current request known to `record`, so events carry the person and their
client address without every service being handed the request.
"""

from __future__ import annotations

import copy
from contextvars import ContextVar

from django.db.models import Q
from django.db.models.signals import post_delete, post_init, post_save

from .models import AuditAction, AuditEvent
from .signin import client_address

_current_request: ContextVar = ContextVar("audit_request", default=None)

# Model label → the fields whose old and new values may be written (states, never personal data).
_tracked: dict[str, tuple[str, ...]] = {}
_SNAPSHOT = "_audit_snapshot"
_MISSING = object()


def record(
    action: AuditAction | str,
    *,
    request=None,
    user=None,
    username: str = "",
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    description: str = "",
) -> AuditEvent:
    """Write one audit event. The person and address come from `request` (or the current request).

    `user` overrides the person (a sign-in, where the request's user is not set yet);
    `username` names someone with no account (a failed sign-in). Without a request
    (a Celery task) the event is the system's.
    """
    request = request if request is not None else _current_request.get()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id or "")[:64],
        description=description[:500],
        ip=client_address(request)[:64] if request is not None else "",
        path=request.path[:300] if request is not None else "",
    )


class AuditMiddleware:
    """Makes the request known to `record`, and records refused and not-visible pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        if response.status_code == 403:
            record(AuditAction.ACCESS_REFUSED, request=request, description=f"{request.method} refused")
        elif response.status_code == 404 and _is_object_page(request):
            record(AuditAction.NOT_VISIBLE, request=request, description=f"{request.method} answered not found")
        return response


def _is_object_page(request) -> bool:
    """A signed-in person asked for one object by its id: not there, or not theirs to see."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return bool(match and match.kwargs and user is not None and user.is_authenticated)


# --- Tracking model changes -----------------------------------------------------------------


def track(model, *, show_values: tuple[str, ...] = ("status",)) -> None:
    """Record every create, change and delete of `model` (through `save()` and `delete()`).

    A change names the fields that changed; for `show_values` (states, never
    personal data or secrets) it also writes the old and new values.
    """
    _tracked[model._meta.label_lower] = show_values
    post_init.connect(_snapshot, sender=model, weak=False, dispatch_uid=f"audit-init-{model._meta.label_lower}")
    post_save.connect(_saved, sender=model, weak=False, dispatch_uid=f"audit-save-{model._meta.label_lower}")
    post_delete.connect(_deleted, sender=model, weak=False, dispatch_uid=f"audit-delete-{model._meta.label_lower}")


def _values(instance) -> dict:
    # Only loaded fields: a deferred field is not fetched just to compare it.
    return {
        field.attname: copy.copy(instance.__dict__[field.attname])
        for field in instance._meta.concrete_fields
        if field.attname in instance.__dict__
    }


def _snapshot(sender, instance, **kwargs) -> None:
    setattr(instance, _SNAPSHOT, _values(instance))


def _saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    label = sender._meta.label_lower
    if created:
        record(AuditAction.CREATED, obj=instance, description=f"{sender._meta.verbose_name} created")
    else:
        before = getattr(instance, _SNAPSHOT, {})
        after = _values(instance)
        names = [
            field.attname
            for field in sender._meta.concrete_fields
            if (update_fields is None or field.name in update_fields or field.attname in update_fields)
            and before.get(field.attname, _MISSING) is not _MISSING
            and before[field.attname] != after.get(field.attname)
        ]
        if names:
            shown = _tracked.get(label, ())
            parts = [f"{name}: {before[name]} → {after[name]}" if name in shown else name for name in names]
            record(AuditAction.CHANGED, obj=instance, description="changed " + ", ".join(parts))
    setattr(instance, _SNAPSHOT, _values(instance))


def _deleted(sender, instance, **kwargs) -> None:
    record(AuditAction.DELETED, obj=instance, description=f"{sender._meta.verbose_name} deleted")


def events_about(*, user_id: int | None, objects: dict[str, list]):
    """Audit events done by this account or about these records (label → ids), oldest first.

    For a subject-access export: what the log holds about a person.
    """
    condition = Q(pk__in=[])
    if user_id:
        condition |= Q(user_id=user_id) | Q(object_type="mysteryshop.user", object_id=str(user_id))
    for label, ids in objects.items():
        if ids:
            condition |= Q(object_type=label, object_id__in=[str(pk) for pk in ids])
    return AuditEvent.objects.filter(condition).order_by("at", "pk")
