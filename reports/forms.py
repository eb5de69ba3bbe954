from __future__ import annotations

from datetime import date

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from scenarios.models import CommitmentArea, ContactPoint
from visits.forms import VisitForm

from . import findings, retests
from .documents import complete_periods
from .models import AppealGround, AppealStatus, ReportKind, RetestResult
from .periods import period_label


class ScopeForm(forms.Form):
    """The first question when raising a finding: which contact point is it about?"""

    contact_point = forms.ModelChoiceField(
        queryset=ContactPoint.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole force (no one contact point)"),
        label=gettext_lazy("Which contact point is the finding about?"),
        help_text=gettext_lazy("The next page offers the released reports on it to cite."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_point"].queryset = ContactPoint.objects.select_related("policing_area").order_by("name")


class CitedReportField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, report):
        visit = report.assignment.visit
        score = f"{report.overall_score}%" if report.overall_score is not None else gettext("no score")
        # The report opens in a new tab, so what is ticked here is not lost (the link says so).
        return format_html(
            '{} · {} · {} · {} <a href="{}" target="_blank" rel="noopener">{}'
            '<span class="visually-hidden"> {}</span> {}</a>',
            date_format(timezone.localtime(visit.starts_at), "j F Y"),
            visit.contact_point.name,
            visit.contact_point.get_channel_display(),
            score,
            reverse("visits:review-detail", args=[report.pk]),
            gettext("read the report"),
            report.reference,
            gettext("(opens in a new tab)"),
        )


class FindingForm(forms.Form):
    """A new finding. Only approved reports from released quarters are offered to cite."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the finding a title.")},
        help_text=gettext_lazy("Shown on the public page once the finding is closed. Name nobody."),
    )
    what_was_found = forms.CharField(
        label=gettext_lazy("What was found"),
        error_messages={"required": gettext_lazy("Say what was found.")},
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=gettext_lazy("The force reads this. Refer only to released results, and never name a volunteer."),
    )
    recommendation = forms.CharField(
        label=gettext_lazy("What do you recommend the force does?"),
        error_messages={"required": gettext_lazy("Say what you recommend the force does.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=gettext_lazy("Shown on the public page once the finding is closed."),
    )
    commitment_areas = forms.ModelMultipleChoiceField(
        queryset=CommitmentArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Commitment areas"),
    )
    cited_reports = CitedReportField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Reports to cite"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Only approved reports from quarters the commissioner has released can be cited."
            )
        },
        help_text=gettext_lazy(
            "Approved reports from quarters the commissioner has released. The force sees each as its "
            "contact point, day, channel, score and checked quotes only."
        ),
    )

    def __init__(self, *args, contact_point: ContactPoint | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        reports = findings.citable_reports().select_related("assignment__visit__contact_point")
        if contact_point is not None:
            reports = reports.filter(assignment__visit__contact_point=contact_point)
        self.fields["cited_reports"].queryset = reports.order_by("-assignment__visit__starts_at", "pk")


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("The force’s response"),
        error_messages={"required": gettext_lazy("Write the force’s response.")},
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("What the force has done or will do, and by when."),
    )


class ChallengeForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Why do you challenge the response?"),
        error_messages={"required": gettext_lazy("Say why you challenge the response.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )


class CloseForm(forms.Form):
    what_changed = forms.CharField(
        label=gettext_lazy("What changed"),
        error_messages={"required": gettext_lazy("Say what changed, for the public page.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=gettext_lazy(
            "Published on the public “You said, we did” page with the title and recommendation. "
            "Name nobody and give no visit dates."
        ),
    )


class CorrectionForm(forms.Form):
    """Correct what the public page shows of a closed finding; the text before is kept in its history."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the finding a title.")},
        help_text=gettext_lazy("Name nobody."),
    )
    recommendation = forms.CharField(
        label=gettext_lazy("What we asked for"),
        error_messages={"required": gettext_lazy("Say what you recommended the force does.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    what_changed = forms.CharField(
        label=gettext_lazy("What changed"),
        error_messages={"required": gettext_lazy("Say what changed, for the public page.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=gettext_lazy("Name nobody and give no visit dates."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why are you correcting it?"),
        error_messages={"required": gettext_lazy("Say why the published text is corrected.")},
        max_length=500,
        help_text=gettext_lazy("Kept in the finding's history, which the force can read."),
    )


class DocumentRequestForm(forms.Form):
    """Ask for a weekly scrutiny or panel report of one complete week or quarter."""

    kind = forms.ChoiceField(choices=ReportKind.choices, widget=forms.HiddenInput)
    period = forms.TypedChoiceField(label=gettext_lazy("Period"), coerce=date.fromisoformat)

    def __init__(self, *args, kind: str | None = None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = kind or self.data.get("kind")
        if kind not in ReportKind.values:
            kind = ReportKind.WEEKLY
        # Two of these forms share a page: keep their element ids apart.
        self.auto_id = f"{kind}-%s"
        self.fields["kind"].initial = kind
        self.fields["period"].label = (
            gettext("Week (Monday to Sunday)") if kind == ReportKind.WEEKLY else gettext("Quarter")
        )
        self.fields["period"].choices = [
            (start.isoformat(), capfirst(period_label(ReportKind(kind).period_kind, start, with_dates=True)))
            for start in complete_periods(kind, today=today or timezone.localdate())
        ]


# --- Appeals -------------------------------------------------------------------------

VERDICT_CHOICES = [
    ("meets", gettext_lazy("Meets the commitment")),
    ("not_met", gettext_lazy("Does not meet the commitment")),
    ("none", gettext_lazy("Does not count")),
]
VERDICT_VALUES = {"meets": True, "not_met": False, "none": None}
VERDICT_KEYS = {value: key for key, value in VERDICT_VALUES.items()}


class AppealForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Why is the result wrong?"), choices=AppealGround.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Explain what went wrong"),
        help_text=_("The OPCC reads this to decide. Name nobody."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class WithdrawAppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing the appeal? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class DecideAppealForm(forms.Form):
    """The OPCC's decision; for a rescore, the verdict of each scored answer (changed ones count)."""

    OUTCOMES = [
        (AppealStatus.UPHELD, gettext_lazy("The result stands")),
        (AppealStatus.RESCORED, gettext_lazy("Rescore: change the verdicts below")),
        (AppealStatus.VOIDED, gettext_lazy("Void the result: keep this report out of the results")),
    ]

    outcome = forms.ChoiceField(label=gettext_lazy("Your decision"), choices=OUTCOMES, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=gettext_lazy("Why (the force reads this; name nobody)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"verdict_{line.answer_id}"] = forms.ChoiceField(
                label=f"{line.question} ({line.area})",
                choices=VERDICT_CHOICES,
                initial=VERDICT_KEYS[line.verdict],
                required=False,  # a verdict left out stays as it is
            )

    def verdict_fields(self):
        return [self[f"verdict_{line.answer_id}"] for line in self.lines]

    def verdicts(self) -> dict[int, bool | None]:
        """Only the verdicts this form changes."""
        changed = {}
        for line in self.lines:
            key = self.cleaned_data.get(f"verdict_{line.answer_id}")
            if not key:
                continue
            value = VERDICT_VALUES[key]
            if value is not line.verdict:
                changed[line.answer_id] = value
        return changed

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == AppealStatus.RESCORED and not self.errors and not self.verdicts():
            self.add_error("outcome", gettext("To rescore, change at least one answer's verdict below."))
        return cleaned


class ForceFiguresForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The force's monthly 101 figures (CSV)"),
        help_text=gettext_lazy(
            "A header row, then one row a month: month (such as 2026-10), calls, average answer time "
            "(seconds, or minutes and seconds such as 1:35), calls abandoned. Months already held are replaced."
        ),
    )


class QuestionnaireHealthForm(forms.Form):
    """The period and thresholds of the questionnaire health page (a GET form: it changes nothing)."""

    # At most a year: the page reads every paired answer in the period, so the period bounds its work.
    MAX_DAYS = 366

    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kappa_below = forms.DecimalField(
        label=gettext_lazy("Low agreement: kappa below"),
        min_value=-1,
        max_value=1,
        decimal_places=2,
        help_text=gettext_lazy("Between −1 and 1. 0.4 is a common line between fair and moderate agreement."),
    )
    min_pairs = forms.IntegerField(
        label=gettext_lazy("Only with at least this many paired answers"),
        min_value=2,
        max_value=10000,
        help_text=gettext_lazy("Fewer pairs than this and kappa is too uncertain to act on."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", gettext("The end of the period must be on or after its start."))
        elif start and end and (end - start).days > self.MAX_DAYS:
            self.add_error("end", gettext("Choose a period of a year or less."))
        return cleaned


class RetestForm(VisitForm):
    """A verification visit at the finding's contact point, next quarter: which scenario, which day and time."""

    def __init__(self, *args, finding, **kwargs):
        super().__init__(*args, **kwargs)
        self.finding = finding
        del self.fields["contact_point"]
        self.fields["scenario"].queryset = retests.retest_scenarios(finding)
        self.fields["scenario"].label = gettext("Scenario")
        self.fields["scenario"].help_text = gettext("The same kind of visit as the reports the finding rests on.")
        self.fields["scenario"].initial = retests.usual_scenario(finding)
        *_ignored, first, last = retests.next_quarter(timezone.localdate())
        self.fields["day"].help_text = gettext("In the next quarter: %(first)s to %(last)s.") % {
            "first": date_format(first, "j F"),
            "last": date_format(last, "j F Y"),
        }

    def clean(self):
        *_ignored, first, last = retests.next_quarter(timezone.localdate())
        day = self.cleaned_data.get("day")
        if day is not None and not first <= day <= last:
            self.add_error("day", retests.outside_next_quarter(first, last))
            return self.cleaned_data
        self.cleaned_data["contact_point"] = self.finding.contact_point
        return super().clean()


class RetestResultForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("What did the re-test find?"),
        choices=RetestResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose fixed, partly fixed or not fixed.")},
    )
    note = forms.CharField(
        label=gettext_lazy("What the re-test found (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The force reads this once the quarter is released. Name nobody and give no visit dates."
        ),
    )
