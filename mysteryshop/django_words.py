"""Django's own words that people here read but Django's Welsh catalogue lacks (its password rules and the
password forms). Listed here so `make messages` gathers them into the project's catalogue, whose Welsh
Django then uses. The function is never called."""

from django.utils.translation import gettext, ngettext


def _django_words() -> None:  # pragma: no cover - read by makemessages, never run
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    )
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        1,
    )
    gettext("The password is too similar to the %(verbose_name)s.")
    gettext("Your password can’t be too similar to your other personal information.")
    gettext("This password is too common.")
    gettext("Your password can’t be a commonly used password.")
    gettext("This password is entirely numeric.")
    gettext("Your password can’t be entirely numeric.")
    gettext("The two password fields didn’t match.")
    gettext("Enter the same password as before, for verification.")
    gettext("Password confirmation")
    gettext("New password")
    gettext("New password confirmation")
    gettext("Old password")
    gettext("Your old password was entered incorrectly. Please enter it again.")
