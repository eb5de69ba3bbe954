"""The audit log's search form."""

from __future__ import annotations

import ipaddress
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .models import AuditAction

PROJECT_APPS = ("mysteryshop", "volunteers", "scenarios", "visits", "reports")


def object_type_choices() -> list[tuple[str, str]]:
    """Every model of the project's apps, by name: a fixed list, so the form costs no query."""
    models = [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]
    named = sorted(
        (
            (model._meta.label_lower, f"{model._meta.verbose_name.capitalize()} ({model._meta.app_label})")
            for model in models
        ),
        key=lambda choice: choice[1],
    )
    return [("", gettext("Any type")), *named]


class AuditSearchForm(forms.Form):
    user = forms.CharField(
        label=gettext_lazy("Person"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("A username, or part of one, or a user id."),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        required=False,
        choices=[("", gettext_lazy("Anything")), *AuditAction.choices],
    )
    object_type = forms.ChoiceField(label=gettext_lazy("Type of record"), required=False)
    object_id = forms.CharField(label=gettext_lazy("Record id"), required=False, max_length=64)
    since = forms.DateField(
        label=gettext_lazy("From (date)"),
        required=False,
        help_text=gettext_lazy("For example, 27 3 2026 or 2026-03-27."),
    )
    until = forms.DateField(label=gettext_lazy("To (date, included)"), required=False)
    ip = forms.CharField(
        label=gettext_lazy("Client address"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("An IP address, or its start (203.0.113.)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = object_type_choices()
        for name in ("since", "until"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]
            self.fields[name].error_messages["invalid"] = gettext_lazy(
                "Enter a real date, like 2026-03-27 or 27/03/2026."
            )
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean_ip(self) -> str:
        value = self.cleaned_data["ip"].strip()
        if value and not all(part in "0123456789abcdefABCDEF.:" for part in value):
            raise forms.ValidationError(gettext("Enter an IP address, or the start of one, like 203.0.113."))
        if value and value.count(".") == 3 and not value.endswith("."):
            try:
                ipaddress.ip_address(value)
            except ValueError:
                raise forms.ValidationError(gettext("That is not an IP address. Enter one like 203.0.113.9.")) from None
        return value

    def _clean_day(self, name: str):
        day = self.cleaned_data[name]
        if day and not 2000 <= day.year <= 2999:
            raise forms.ValidationError(gettext("Enter a date from the year 2000 on, like 2026-03-27."))
        return day

    def clean_since(self):
        return self._clean_day("since")

    def clean_until(self):
        return self._clean_day("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", gettext("The “to” date must be the same as or after the “from” date."))
        return cleaned

    def filters(self) -> dict:
        """The search as `AuditEventQuerySet.search` keyword arguments; dates are whole days in UK time."""
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        return {
            "user": data["user"].strip(),
            "action": data["action"],
            "object_type": data["object_type"],
            "object_id": data["object_id"].strip(),
            "since": timezone.make_aware(datetime.combine(since, time.min)) if since else None,
            "until": timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min)) if until else None,
            "ip": data["ip"],
        }
