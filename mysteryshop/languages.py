"""A person's language: the one their e-mails, calendar files and documents are written in.

A page's language comes from its address (/cy/… is Welsh); what is *sent* to a person comes from their
record. An applicant's record starts in the language of the page they applied on; anyone signed in can
change theirs on the Language page (linked from every page's footer when the scheme offers Welsh). A
volunteer's account and volunteer record keep the same language.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Language


def offered() -> list[tuple[str, str]]:
    """The languages the scheme offers, each named in itself."""
    return [(code, label) for code, label in Language.choices if code in dict(settings.LANGUAGES)]


def of_page() -> str:
    """The language of the page being answered, as a record keeps it."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(offered()) else settings.LANGUAGE_CODE


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Which language should we write to you in?"),
        help_text=_("For e-mails, calendar invitations and documents we send you."),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the language we should write to you in")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = offered()


@transaction.atomic
def choose(user, language: str) -> None:
    """Keep `language` on the person's account and, for a volunteer or applicant, on their record."""
    user.language = language
    user.save(update_fields=["language"])
    volunteer = getattr(user, "volunteer", None)
    if volunteer is not None:
        volunteer.language = language
        volunteer.save(update_fields=["language"])


@login_required
def language(request):
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if form.is_valid():
        chosen = form.cleaned_data["language"]
        choose(request.user, chosen)
        # The pages follow the choice too: the confirmation is in the language chosen.
        with translation.override(chosen):
            messages.success(
                request,
                gettext("We will write to you in English.")
                if chosen != "cy"
                else gettext("We will write to you in Welsh."),
            )
        return redirect(translate_url(request.path, chosen))
    return render(request, "mysteryshop/language.html", {"form": form}, status=400 if form.is_bound else 200)
