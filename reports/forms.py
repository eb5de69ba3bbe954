from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.text import capfirst

from .documents import complete_periods, period_label
from .models import ReportKind


class DocumentRequestForm(forms.Form):
    """Ask for a weekly scrutiny or panel report of one complete week or quarter."""

    kind = forms.ChoiceField(choices=ReportKind.choices, widget=forms.HiddenInput)
    period = forms.TypedChoiceField(coerce=date.fromisoformat)

    def __init__(self, *args, kind: str | None = None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = kind or self.data.get("kind")
        if kind not in ReportKind.values:
            kind = ReportKind.WEEKLY
        # Two of these forms share a page: keep their element ids apart.
        self.auto_id = f"{kind}-%s"
        self.fields["kind"].initial = kind
        self.fields["period"].label = "Week (Monday to Sunday)" if kind == ReportKind.WEEKLY else "Quarter"
        self.fields["period"].choices = [
            (start.isoformat(), capfirst(period_label(kind, start)))
            for start in complete_periods(kind, today=today or timezone.localdate())
        ]
