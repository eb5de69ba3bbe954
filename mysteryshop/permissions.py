"""Role checks every view uses. Templates only show; these decide.

Views use `role_required(...)`; object-level rules live in each model's `visible_to(user)` queryset method,
so a view scopes before it fetches:
`get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)`.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import Role


def role_required(*roles: Role | str):
    """Let a view through only for signed-in users holding one of `roles`.

    Anonymous users go to sign-in; signed-in users without the role get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(*roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorator
