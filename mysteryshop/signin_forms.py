"""Forms for the two-factor steps. Each asks one thing, with a plain message when it is wrong."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The 6-digit code an authenticator app shows."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6 numbers the app shows now, like 123456"),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Enter the code as 6 numbers, like 123456"))
        return code


class RecoveryCodeForm(forms.Form):
    """One of the person's one-time recovery codes."""

    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the 10 codes you were given when you set up two-factor sign-in, like abcd efgh"),
        max_length=20,
        error_messages={"required": _("Enter one of your recovery codes")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "class": "code-input"}
        ),
    )
