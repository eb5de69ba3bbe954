from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mysteryshop import dates
from scenarios.models import Channel, ContactPoint, QuestionnaireVersion, Scenario
from volunteers.models import Volunteer

from . import services
from .models import Answer, Conflict, StandardComment


class VisitForm(forms.Form):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.none(), label=_("Approved scenario"))
    contact_point = forms.ModelChoiceField(queryset=ContactPoint.objects.none(), label=_("Contact point"))
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = Scenario.objects.live()
        self.fields["contact_point"].queryset = ContactPoint.objects.active().prefetch_related("opening_hours")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            dates.check_visit_day(cleaned["day"])
        except ValidationError as error:
            self.add_error("day", error)
            return cleaned
        for name in ("starts", "ends"):  # London time; a time the clocks skip or repeat is refused in words
            try:
                cleaned[f"{name}_at"] = dates.local_datetime(cleaned["day"], cleaned[name])
            except ValidationError as error:
                self.add_error(name, error)
        if self.errors:
            return cleaned
        if cleaned["starts_at"] <= timezone.now():
            self.add_error("starts", gettext("Choose a time in the future."))
        elif cleaned["ends_at"] <= cleaned["starts_at"]:
            self.add_error("ends", gettext("The visit must end after it starts."))
        else:
            try:
                dates.check_no_clock_change(cleaned["starts_at"], cleaned["ends_at"])
            except ValidationError as error:
                self.add_error("ends", error)
        if self.errors:
            return cleaned
        services.check_visit(
            scenario=cleaned["scenario"], contact_point=cleaned["contact_point"],
            starts_at=cleaned["starts_at"], ends_at=cleaned["ends_at"],
        )  # fmt: skip
        return cleaned


class PilotForm(forms.Form):
    version = forms.ModelChoiceField(
        queryset=QuestionnaireVersion.objects.none(),
        required=False,
        label=_("Questionnaire version to pilot"),
        empty_label=_("None: use the scenario's usual version"),
        help_text=_("Reports on a pilot version are reviewed as usual but never count in the results."),
    )

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = (
            QuestionnaireVersion.objects.filter(questionnaire__channel=visit.scenario.channel)
            .exclude(pk=visit.scenario.questionnaire_version_id)
            .select_related("questionnaire")
            .order_by("questionnaire__title", "-number")
        )
        self.fields["version"].initial = visit.pilot_version_id


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=[(1, _("January to March")), (2, _("April to June")), (3, _("July to September")), (4, _("October to December"))])  # fmt: skip
    front_desk = forms.IntegerField(label=_("Visits to each front desk"), min_value=0, max_value=20, initial=2)
    phone_101 = forms.IntegerField(label=_("Calls to the 101 line"), min_value=0, max_value=60, initial=12)
    website = forms.IntegerField(label=_("Website tasks"), min_value=0, max_value=60, initial=6)
    online_reporting = forms.IntegerField(label=_("Online reporting tasks"), min_value=0, max_value=60, initial=0)
    neighbourhood_meeting = forms.IntegerField(label=_("Visits to each neighbourhood meeting in the quarter"), min_value=0, max_value=2, initial=1)  # fmt: skip
    seed = forms.IntegerField(
        required=False, min_value=0, label=_("Seed (optional)"),
        help_text=_("Leave blank for a fresh random draft. The same seed and targets give the same draft."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate() + timedelta(days=92)
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1

    def clean_year(self):
        dates.check_plan_year(self.cleaned_data["year"])
        return self.cleaned_data["year"]

    def targets(self) -> dict[int, int]:
        """Visits per contact point: the per-desk and per-meeting numbers apply to each one."""
        targets = {}
        for point in ContactPoint.objects.active():
            count = self.cleaned_data.get(point.channel) or 0
            if point.channel == Channel.NEIGHBOURHOOD_MEETING:
                first, last = _quarter(self.cleaned_data)
                count = count if point.meeting_date and first <= point.meeting_date <= last else 0
            if count:
                targets[point.pk] = count
        return targets


def _quarter(cleaned):
    from .planning import quarter_bounds

    return quarter_bounds(cleaned["year"], cleaned["quarter"])


class LongerTextSaysSo:
    """Text boxes with a limit say when the text is too long (the error summary names the limit) rather than
    carrying `maxlength`, with which a browser silently cuts off whatever is pasted past the limit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


class CancelForm(LongerTextSaysSo, forms.Form):
    reason = forms.CharField(
        label=_("Why is the visit cancelled?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Give a reason for cancelling.")},
    )


class DeclineForm(LongerTextSaysSo, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("Up to 1,000 characters."),
    )


class ConflictForm(forms.ModelForm):
    class Meta:
        model = Conflict
        fields = ["volunteer", "contact_point", "reason"]
        labels = {
            "volunteer": _("Volunteer"),
            "contact_point": _("Contact point"),
            "reason": _("Why (for example: works there, a relative works there)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(status__in=["training", "active", "paused"])
        self.fields["contact_point"].queryset = ContactPoint.objects.active()


class StandardCommentSelect(forms.Select):
    """Each option carries its comment's text, so a small script can fill the comment box with it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and getattr(value, "instance", None) is not None:
            option["attrs"]["data-text"] = value.instance.text
        return option


class ReturnReportForm(forms.Form):
    standard = forms.ModelChoiceField(
        queryset=StandardComment.objects.all(),
        required=False,
        label=_("Use a standard comment (optional)"),
        empty_label=_("None: I will write my own"),
        widget=StandardCommentSelect(attrs={"data-standard-comment": ""}),
        help_text=_(
            "Its text goes into the box below, where you can change it. Without JavaScript, it is added when you send."
        ),
    )
    comment = forms.CharField(
        label=_("What needs correcting"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )

    def clean(self):
        cleaned = super().clean()
        standard, comment = cleaned.get("standard"), (cleaned.get("comment") or "").strip()
        if standard and standard.text.strip() not in comment:
            comment = f"{standard.text.strip()}\n\n{comment}".strip()
        if not comment and "comment" not in self.errors:
            self.add_error("comment", gettext("Say what the volunteer needs to correct, or choose a standard comment."))
        cleaned["comment"] = comment
        return cleaned


class StandardCommentForm(forms.ModelForm):
    class Meta:
        model = StandardComment
        fields = ["title", "text"]
        help_texts = {"title": _("How reviewers will find it in the list, for example “Missing wait time”.")}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class RecognisedForm(LongerTextSaysSo, forms.Form):
    note = forms.CharField(
        label=_("What happened? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the officer at the desk knows me from my street."),
    )


class ResolveAlertForm(forms.Form):
    note = forms.CharField(
        label=_("How do you know the volunteers are safe?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say how you know the volunteers are safe.")},
    )


class AnswerReviewForm(forms.ModelForm):
    class Meta:
        model = Answer
        fields = ["notable", "redacted_text"]
        labels = {"notable": _("Mark this answer as"), "redacted_text": _("Text the force may see")}
        widgets = {"redacted_text": forms.Textarea(attrs={"rows": 3})}


class EvidenceForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"), help_text=_("A JPEG or PNG from your phone. Location and other hidden details are removed.")
    )
    caption = forms.CharField(label=_("What does it show?"), max_length=200, required=False)

    def clean_photo(self):
        from django.conf import settings

        from mysteryshop.uploads import check_size, clean_image

        upload = self.cleaned_data["photo"]
        check_size(upload, max_bytes=settings.MYSTERYSHOP_EVIDENCE_MAX_BYTES, what="photo")
        return clean_image(upload)
