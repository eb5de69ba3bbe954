from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from .roles import Role


def roles(request):
    """Role flags for the navigation; templates only show, views still check."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    # Staff who have not yet confirmed a code this session see no staff links: every staff page sends them back.
    staff_unverified = signed_in and user.needs_two_factor and not _verified(user)
    has = (lambda role: user.has_role(role)) if signed_in and not staff_unverified else (lambda role: False)
    return {
        "scheme_name": settings.MYSTERYSHOP_SCHEME_NAME,
        "force_name": settings.MYSTERYSHOP_FORCE_NAME,
        "is_volunteer": has(Role.VOLUNTEER),
        "is_applicant": has(Role.APPLICANT),
        "is_coordinator": has(Role.COORDINATOR),
        "is_commissioner": has(Role.COMMISSIONER),
        "is_force_liaison": has(Role.FORCE_LIAISON),
        "is_system_administrator": signed_in and not staff_unverified and user.is_active and user.is_superuser,
        "shows_signin_security": signed_in and user.needs_two_factor and not staff_unverified,
    }


def _verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def languages(request):
    """The page's language for `<html lang>`, and, when the scheme offers Welsh, the same page in the other
    language (GOV.UK's language switch: the other language's name, written in that language)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    welsh = current == "cy"
    context = {"page_lang": "cy" if welsh else "en-GB", "other_language": None}
    if settings.MYSTERYSHOP_WELSH and request is not None:
        other = "en-gb" if welsh else "cy"
        context["other_language"] = {
            "name": "English" if welsh else "Cymraeg",
            "lang": "en-GB" if welsh else "cy",
            "url": translate_url(request.get_full_path(), other),
        }
    return context
