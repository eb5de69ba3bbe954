from django.conf import settings

from .roles import Role


def roles(request):
    """Role flags for the navigation; templates only show, views still check."""
    user = getattr(request, "user", None)
    has = (lambda role: user.has_role(role)) if user is not None and user.is_authenticated else (lambda role: False)
    return {
        "scheme_name": settings.MYSTERYSHOP_SCHEME_NAME,
        "force_name": settings.MYSTERYSHOP_FORCE_NAME,
        "is_volunteer": has(Role.VOLUNTEER),
        "is_applicant": has(Role.APPLICANT),
        "is_coordinator": has(Role.COORDINATOR),
        "is_commissioner": has(Role.COMMISSIONER),
        "is_force_liaison": has(Role.FORCE_LIAISON),
    }
