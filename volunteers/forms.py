from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from localflavor.gb.forms import GBPostcodeField
from phonenumber_field.formfields import PhoneNumberField

from mysteryshop import dates
from mysteryshop.uploads import check_size, clean_image, is_pdf

from .models import (
    WEEKDAYS,
    AwayPeriod,
    Band,
    ExpenseClaim,
    ExpenseItem,
    ForceConnection,
    PrivacyNotice,
    Receipt,
    Status,
    TrainingModule,
    TrainingSession,
    Volunteer,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemorableDateWidget(forms.MultiWidget):
    """Day, month and year in three boxes: the GOV.UK memorable-date pattern, for a date people know
    by heart (a date picker makes them scroll back decades). Browsers can fill it from `bday-*`."""

    template_name = "widgets/memorable_date.html"
    PARTS = (("day", _("Day")), ("month", _("Month")), ("year", _("Year")))

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": f"bday-{part}",
                    "class": f"form-control memorable-date-{part}",
                }
            )
            for part, _label in self.PARTS
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (_part, label) in zip(context["widget"]["subwidgets"], self.PARTS, strict=True):
            subwidget["label"] = label
        return context


class MemorableDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's messages for what is missing or wrong."""

    widget = MemorableDateWidget

    def __init__(self, *, messages: dict, **kwargs):
        """`messages`: the field's own sentence for each part left out (keyed by the parts, in order) and
        for a date that does not exist ("real"), whole sentences so each translates as a whole."""
        self.messages = messages
        parts = [forms.CharField(required=False, max_length=10) for _ in MemorableDateWidget.PARTS]
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        day, month, year = [(part or "").strip() for part in [*data_list, "", "", ""][:3]]
        if not (day or month or year):
            return None
        missing = tuple(name for name, value in (("day", day), ("month", month), ("year", year)) if not value)
        if missing:
            raise ValidationError(self.messages[missing])
        if not (day.isdecimal() and month.isdecimal() and year.isdecimal()):
            raise ValidationError(self.messages["real"])
        if len(year) != 4:
            raise ValidationError(gettext("Year must include 4 numbers"))
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.messages["real"]) from None


# GOV.UK's messages for a date of birth with a part left out, or not a real date.
DATE_OF_BIRTH_MESSAGES = {
    ("day",): _("Date of birth must include a day"),
    ("month",): _("Date of birth must include a month"),
    ("year",): _("Date of birth must include a year"),
    ("day", "month"): _("Date of birth must include a day and month"),
    ("day", "year"): _("Date of birth must include a day and year"),
    ("month", "year"): _("Date of birth must include a month and year"),
    "real": _("Date of birth must be a real date"),
}


class TelephoneInput(forms.TextInput):
    input_type = "tel"


class ApplicationForm(forms.ModelForm):
    """The public application. Plain messages beside each field; nothing technical."""

    phone = PhoneNumberField(
        region="GB",
        label=_("UK phone number"),
        error_messages={"invalid": _("Enter a UK phone number, like 01785 232385 or 07911 123456")},
        widget=TelephoneInput(attrs={"autocomplete": "tel"}),
    )
    postcode = GBPostcodeField(
        label=_("Postcode"),
        error_messages={"invalid": _("Enter a real UK postcode, like ST16 2DQ")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    date_of_birth = MemorableDateField(
        messages=DATE_OF_BIRTH_MESSAGES,
        label=_("Date of birth"),
        help_text=_("For example, 27 3 1960"),
        error_messages={"required": _("Enter your date of birth")},
    )
    force_connection = forms.ChoiceField(
        label=_("Do you work or volunteer for the police force?"),
        choices=ForceConnection.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether you work or volunteer for the police force")},
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the scheme holding my details for it"),
        error_messages={
            "required": _("Tick the box to agree to the privacy notice, or we cannot take your application")
        },
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this blank"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Volunteer
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "postcode",
            "date_of_birth",
            "heard_about",
            "needs",
            "usual_times",
            "force_connection",
            "relatives_in_force",
            "unspent_convictions",
            "convictions_details",
        ]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "email": _("Email address"),
            "heard_about": _("How did you hear about the scheme?"),
            "needs": _("Accessibility or other needs"),
            "usual_times": _("Times you could usually help"),
            "relatives_in_force": _(
                "Do any close relatives work or volunteer for the force? If so, who and in what role"
            ),
            "unspent_convictions": _("I have unspent criminal convictions"),
            "convictions_details": _("If so, please tell us about them"),
        }
        help_texts = {
            "needs": _(
                "For example, access needs, or help with reading or travel. We will make reasonable adjustments."
            ),
            "usual_times": _("For example, weekday mornings, or Saturday afternoons."),
            "unspent_convictions": _(
                "Having one does not always stop you volunteering; we will talk it through with you."
            ),
        }
        widgets = {
            # Autocomplete names (WCAG 1.3.5): browsers fill in the person's own details.
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "usual_times": forms.Textarea(attrs={"rows": 2}),
            "relatives_in_force": forms.Textarea(attrs={"rows": 2}),
            "convictions_details": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "first_name": {"required": _("Enter your first name")},
            "last_name": {"required": _("Enter your last name")},
            "email": {
                "required": _("Enter your email address"),
                "invalid": _("Enter an email address, like name@example.com"),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No answer chosen for them: the model's default ("No") must not be pre-selected.
        self.initial.pop("force_connection", None)
        self.fields["website"].widget.attrs["class"] = "honeypot"
        self.fields["phone"].error_messages["required"] = _("Enter a UK phone number")
        self.fields["postcode"].error_messages["required"] = _("Enter your postcode")

    def _get_validation_exclusions(self):
        # A repeat application is not an error to show: the service answers it
        # with the existing record, and the database's unique e-mail is the final guard.
        return super()._get_validation_exclusions() | {"email"}

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born is None:  # boxes holding only spaces reach here empty
            raise ValidationError(gettext("Enter your date of birth"))
        if born.year < 1900:
            raise ValidationError(DATE_OF_BIRTH_MESSAGES["real"])
        today = timezone.localdate()
        dates.check_birth_date(born, today=today)
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        minimum = settings.MYSTERYSHOP_MINIMUM_AGE
        if age < minimum:
            raise ValidationError(
                gettext("You must be %(minimum)s or over to volunteer for this scheme") % {"minimum": minimum}
            )
        return born

    def clean_force_connection(self):
        connection = self.cleaned_data["force_connection"]
        if connection not in ("", ForceConnection.NONE):
            raise ValidationError(
                gettext(
                    "Thank you for your interest. People who serve with the force cannot take part, because the "
                    "scheme tests the force independently. Other OPCC volunteering roles may suit you."
                )
            )
        return connection

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unspent_convictions") and not cleaned.get("convictions_details", "").strip():
            self.add_error("convictions_details", gettext("Tell us briefly about your unspent convictions"))
        return cleaned


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_(
            "Needed to reject, pause or end, and to make someone active before their required training is done."
        ),
    )

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s.value, s.label) for s in volunteer.allowed_next()]


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you erasing this person's data?"),
        help_text=_("For example: asked by e-mail on 3 December 2026. Kept only until the erasure is done."),
        max_length=500,
        error_messages={"required": _("Give the reason, for example the date they asked to be erased.")},
    )
    confirm = forms.BooleanField(
        label=_("I have checked this is the right person. Erasing cannot be undone."),
        error_messages={"required": _("Tick the box to confirm you have checked this is the right person.")},
    )


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name, email or postcode"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices])


class ProfileForm(forms.ModelForm):
    phone = PhoneNumberField(
        region="GB", label=_("UK phone number"), error_messages={"invalid": _("Enter a UK phone number")}
    )
    postcode = GBPostcodeField(
        label=_("Postcode"), error_messages={"invalid": _("Enter a real UK postcode, like ST16 2DQ")}
    )

    class Meta:
        model = Volunteer
        fields = ["first_name", "last_name", "phone", "postcode", "needs", "usual_times", "gender", "disability"]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "postcode": _("Postcode"),
            "needs": _("Accessibility or other needs"),
            "usual_times": _("Times you could usually help"),
        }
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 3}),
            "usual_times": forms.Textarea(attrs={"rows": 2}),
            "gender": forms.RadioSelect,
            "disability": forms.RadioSelect,
        }

    # Why we ask, in the form itself: these answers are optional and change nothing about what you may do.
    WHY_WE_ASK = _(
        "Optional. We ask so that the people who visit each police station or meeting are a mix, like the public "
        "who use them, and so we can show the commissioner that mix. Only OPCC staff see your answer; "
        "the force never does. You can change or clear it at any time."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("gender", "disability"):
            field = self.fields[name]
            field.required = False
            field.choices = [choice for choice in field.choices if choice[0]]
            field.help_text = self.WHY_WE_ASK


class AvailabilityForm(forms.Form):
    slots = forms.MultipleChoiceField(
        label=_("When can you usually help?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made per request, in the page's language.
        self.fields["slots"].choices = [
            (f"{day}:{band.value}", gettext("%(day)s, %(band)s") % {"day": name, "band": str(band.label).lower()})
            for day, name in WEEKDAYS
            for band in Band
        ]


class AwayForm(forms.ModelForm):
    class Meta:
        model = AwayPeriod
        fields = ["starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        error_messages = {
            "starts_on": {"required": _("Enter the first day you are away"), "invalid": _("Enter a real date")},
            "ends_on": {"required": _("Enter the last day you are away"), "invalid": _("Enter a real date")},
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on"):
            try:
                dates.check_days_away(cleaned["starts_on"], cleaned["ends_on"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class TrainingSessionForm(forms.ModelForm):
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=500,
        initial=12,
        help_text=_("How many people the session takes."),
        error_messages={
            "required": _("Enter how many people the session takes"),
            "min_value": _("A session needs at least one place"),
            "max_value": _("A session can take at most 500 people"),
        },
    )

    class Meta:
        model = TrainingSession
        fields = ["module", "starts_at", "ends_at", "venue", "capacity", "trainer"]
        field_classes = {"starts_at": dates.LocalDateTimeField, "ends_at": dates.LocalDateTimeField}
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean_starts_at(self):
        starts = self.cleaned_data["starts_at"]
        dates.check_training_day(timezone.localdate(starts))
        return starts

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts"))
        elif starts and ends:
            try:
                dates.check_no_clock_change(starts, ends)
            except ValidationError as error:
                self.add_error("ends_at", error)
        return cleaned


class TrainingModuleForm(forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["name", "required", "refresh_months"]
        labels = {"required": _("Volunteers must have this before they can be scheduled")}


class PrivacyNoticeForm(forms.ModelForm):
    class Meta:
        model = PrivacyNotice
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 20})}
        help_texts = {"text": _("Saving publishes a new version; applicants consent to the version they saw.")}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (needed to reject)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Expenses and receipts ----------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReceiptsField(forms.FileField):
    """Receipts: images or PDFs, checked by their content, size-limited, images re-saved without metadata."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(uploads) > 5:
            raise ValidationError(_("Attach up to 5 receipts"))
        return [check_receipt(upload) for upload in uploads]


def check_receipt(upload):
    """A receipt: a PDF (checked by its header) or a photo (re-saved without metadata), under the size limit."""
    check_size(upload, max_bytes=settings.MYSTERYSHOP_RECEIPT_MAX_BYTES, what="receipt")
    if is_pdf(upload):
        upload.checked_file, upload.checked_type = ContentFile(upload.read(), name="receipt.pdf"), "application/pdf"
        return upload
    try:
        upload.checked_file, upload.checked_type = clean_image(upload)
    except ValidationError:
        raise ValidationError(
            gettext("“%(name)s” is not a photo or a PDF we can read") % {"name": upload.name}
        ) from None
    return upload


class ExpenseClaimForm(forms.Form):
    purpose = forms.CharField(
        label=_("What is the claim for?"),
        max_length=200,
        help_text=_("For example, the training session or visit and its date."),
    )
    training_session = forms.ModelChoiceField(
        queryset=TrainingSession.objects.none(), required=False, label=_("Training session (if the claim is for one)")
    )
    miles = forms.DecimalField(label=_("Miles driven"), required=False, min_value=0, max_value=1000, decimal_places=1,
                               help_text=format_lazy(_("Paid at {pence}p a mile."), pence=settings.MYSTERYSHOP_MILEAGE_PENCE))  # fmt: skip
    fares = forms.DecimalField(
        label=_("Bus or train fares (£)"), required=False, min_value=0, max_value=500, decimal_places=2
    )
    parking = forms.DecimalField(label=_("Parking (£)"), required=False, min_value=0, max_value=500, decimal_places=2)
    other = forms.DecimalField(label=_("Other costs (£)"), required=False, min_value=0, max_value=500, decimal_places=2)
    other_description = forms.CharField(label=_("What were the other costs?"), required=False, max_length=200)
    receipts = ReceiptsField(
        required=False, label=_("Receipts"), help_text=_("Photos or PDFs of receipts, up to 5, each under 5 MB.")
    )

    def __init__(self, *args, volunteer: Volunteer, already_claimed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_session"].queryset = TrainingSession.objects.filter(
            bookings__volunteer=volunteer, bookings__booked_at__isnull=False
        ).select_related("module")
        # Claims already made for the same thing (a visit): the volunteer confirms this one is for other costs.
        self.already_claimed = list(already_claimed)
        if self.already_claimed:
            self.fields["not_claimed_before"] = forms.BooleanField(
                label=_("These are costs I have not claimed before"),
                error_messages={
                    "required": _(
                        "Tick to confirm these are costs you have not claimed before, "
                        "or leave this page: your earlier claim is listed above"
                    )
                },
            )

    def has_receipts(self, cleaned) -> bool:
        return bool(cleaned.get("receipts"))

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("miles", "fares", "parking", "other")):
            raise ValidationError(_("Enter at least one amount to claim"))
        if cleaned.get("other") and not cleaned.get("other_description", "").strip():
            self.add_error("other_description", _("Say what the other costs were for"))
        if any(cleaned.get(name) for name in ("fares", "parking", "other")) and not self.has_receipts(cleaned):
            self.add_error("receipts", _("Attach a receipt for fares, parking or other costs"))
        return cleaned

    def items(self) -> list[dict]:
        cleaned, items = self.cleaned_data, []
        if cleaned.get("miles"):
            items.append({"kind": ExpenseItem.Kind.MILEAGE, "miles": cleaned["miles"]})
        for name, kind in (
            ("fares", ExpenseItem.Kind.FARE),
            ("parking", ExpenseItem.Kind.PARKING),
            ("other", ExpenseItem.Kind.OTHER),
        ):
            if cleaned.get(name):
                description = cleaned.get("other_description", "") if name == "other" else ""
                items.append({"kind": kind, "amount_pence": int(cleaned[name] * 100), "description": description})
        return items


class CorrectClaimForm(ExpenseClaimForm):
    """A rejected claim, corrected: its amounts to start from, and the receipts already sent to keep."""

    keep_receipts = forms.ModelMultipleChoiceField(
        queryset=Receipt.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Receipts you sent before: keep these"),
        help_text=_("Untick any that were wrong. You can add new ones below."),
    )

    field_order = ["purpose", "training_session", "miles", "fares", "parking", "other", "other_description",
                   "keep_receipts", "receipts"]  # fmt: skip

    def __init__(self, *args, claim: ExpenseClaim, **kwargs):
        kwargs.setdefault("initial", self.initial_from(claim))
        super().__init__(*args, volunteer=claim.volunteer, **kwargs)
        self.fields["keep_receipts"].queryset = claim.receipts.all()
        self.fields["keep_receipts"].label_from_instance = lambda receipt: receipt.original_name
        if not claim.receipts.exists():
            del self.fields["keep_receipts"]
        self.fields["training_session"].disabled = True  # the claim stays about what it was about

    @staticmethod
    def initial_from(claim: ExpenseClaim) -> dict:
        initial = {
            "purpose": claim.purpose,
            "training_session": claim.training_session_id,
            "keep_receipts": list(claim.receipts.values_list("pk", flat=True)),
        }
        fields = {ExpenseItem.Kind.FARE: "fares", ExpenseItem.Kind.PARKING: "parking", ExpenseItem.Kind.OTHER: "other"}
        for item in claim.items.all():
            if item.kind == ExpenseItem.Kind.MILEAGE:
                initial["miles"] = item.miles
            else:
                initial[fields[item.kind]] = (Decimal(item.amount_pence) / 100).quantize(Decimal("0.01"))
                if item.kind == ExpenseItem.Kind.OTHER:
                    initial["other_description"] = item.description
        return initial

    def has_receipts(self, cleaned) -> bool:
        return bool(cleaned.get("receipts")) or bool(cleaned.get("keep_receipts"))
