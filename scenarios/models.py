"""What is tested, where, and how it is measured."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from mysteryshop.bilingual import Bilingual
from mysteryshop.models import Lifecycle
from mysteryshop.roles import OPCC_ROLES, Role

LONDON = ZoneInfo("Europe/London")


class Channel(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")
    PHONE_101 = "phone_101", _("101 line")
    WEBSITE = "website", _("Force website")
    ONLINE_REPORTING = "online_reporting", _("Online reporting")
    NEIGHBOURHOOD_MEETING = "neighbourhood_meeting", _("Neighbourhood meeting")

    @property
    def is_in_person(self) -> bool:
        return self in IN_PERSON_CHANNELS


IN_PERSON_CHANNELS = frozenset({Channel.FRONT_DESK, Channel.NEIGHBOURHOOD_MEETING})


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.UK(subdiv="ENG", years=year)


def is_bank_holiday(day: date) -> bool:
    """Bank holidays in England and Wales (the `holidays` package's England list)."""
    return day in _bank_holidays(day.year)


# --- Contact points -------------------------------------------------------------


class PolicingArea(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactPointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ContactPoint(models.Model):
    """A place or way the public reach the force: a front desk, 101, the website..."""

    name = models.CharField(verbose_name=_("Name"), max_length=150)
    channel = models.CharField(verbose_name=_("Channel"), max_length=30, choices=Channel.choices)
    policing_area = models.ForeignKey(
        PolicingArea, verbose_name=_("Policing area"), on_delete=models.PROTECT, related_name="contact_points"
    )
    address = models.TextField(
        verbose_name=_("Address"), blank=True, help_text=gettext_lazy("For front desks and meetings.")
    )
    postcode = models.CharField(verbose_name=_("Postcode"), max_length=10, blank=True)
    access_notes = models.TextField(_("Access notes"), blank=True)
    parking_notes = models.TextField(_("Parking notes"), blank=True)
    always_open = models.BooleanField(
        verbose_name=_("Always open"),
        default=False,
        help_text=gettext_lazy("For the 101 line, the website and online reporting: no opening hours."),
    )
    open_on_bank_holidays = models.BooleanField(verbose_name=_("Open on bank holidays"), default=False)
    meeting_date = models.DateField(
        verbose_name=_("Meeting date"), null=True, blank=True, help_text=gettext_lazy("Neighbourhood meetings only.")
    )
    meeting_start = models.TimeField(verbose_name=_("Meeting start"), null=True, blank=True)
    meeting_end = models.TimeField(verbose_name=_("Meeting end"), null=True, blank=True)
    active = models.BooleanField(verbose_name=_("Active"), default=True)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["policing_area__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "channel"],
                name="contact_point_unique_name_per_channel",
                violation_error_message=_("There is already a contact point with this name and channel."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="neighbourhood_meeting")
                | Q(meeting_date__isnull=False, meeting_start__isnull=False, meeting_end__isnull=False),
                name="contact_point_meeting_has_date_and_times",
                violation_error_message=_("A neighbourhood meeting needs its date, and the times it starts and ends."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_start__isnull=True) | Q(meeting_end__gt=models.F("meeting_start")),
                name="contact_point_meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scenarios:contact-point-detail", args=[self.pk])

    def clean(self):
        if self.channel == Channel.NEIGHBOURHOOD_MEETING and not (
            self.meeting_date and self.meeting_start and self.meeting_end
        ):
            raise ValidationError(gettext("A neighbourhood meeting needs its date, start time and end time."))
        if self.meeting_start and self.meeting_end and self.meeting_end <= self.meeting_start:
            raise ValidationError({"meeting_end": gettext("The meeting must end after it starts.")})
        if self.channel == Channel.FRONT_DESK and not self.address:
            raise ValidationError({"address": gettext("Enter the front desk's address.")})

    def opening_windows(self, on: date) -> list[tuple[time, time]]:
        """Local (Europe/London) times the contact point is open on a day, split around lunch."""
        if self.channel == Channel.NEIGHBOURHOOD_MEETING:
            return [(self.meeting_start, self.meeting_end)] if on == self.meeting_date else []
        if is_bank_holiday(on) and not self.open_on_bank_holidays:
            return []
        if self.always_open:
            return [(time(0, 0), time(23, 59))]
        hours = next((row for row in self.opening_hours.all() if row.weekday == on.weekday()), None)
        return hours.windows() if hours else []

    def is_open_between(self, start: datetime, end: datetime) -> bool:
        """Whether the whole of a visit window falls inside one opening window."""
        local_start, local_end = start.astimezone(LONDON), end.astimezone(LONDON)
        if local_start.date() != local_end.date() or local_end <= local_start:
            return False
        return any(
            opens <= local_start.time() and local_end.time() <= closes
            for opens, closes in self.opening_windows(local_start.date())
        )


class OpeningHours(models.Model):
    """A front desk's hours on one weekday; a weekday with no row is closed."""

    # Day names from Django (translated by its own catalogue); form field names use WEEKDAY_KEYS.
    WEEKDAYS = sorted(WEEKDAY_NAMES.items())
    WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField()
    closes = models.TimeField()
    lunch_starts = models.TimeField(_("Closed for lunch from"), null=True, blank=True)
    lunch_ends = models.TimeField(_("Closed for lunch until"), null=True, blank=True)

    class Meta:
        ordering = ["weekday"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(
                fields=["contact_point", "weekday"],
                name="opening_hours_one_row_per_weekday",
                violation_error_message=_("That day’s opening hours are already set."),
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="opening_hours_close_after_open",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
            models.CheckConstraint(
                condition=Q(lunch_starts__isnull=True, lunch_ends__isnull=True)
                | Q(
                    lunch_starts__gt=models.F("opens"),
                    lunch_ends__gt=models.F("lunch_starts"),
                    lunch_ends__lt=models.F("closes"),
                ),
                name="opening_hours_lunch_inside_the_day",
                violation_error_message=_(
                    "A lunch closure needs both times, and must start after opening and end before closing."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": gettext("Closing time must be after opening time.")})
        if bool(self.lunch_starts) != bool(self.lunch_ends):
            raise ValidationError(
                {"lunch_ends": gettext("Give both the start and the end of the lunch closure, or neither.")}
            )
        all_times = self.lunch_starts and self.lunch_ends and self.opens and self.closes
        if all_times and not (self.opens < self.lunch_starts < self.lunch_ends < self.closes):
            raise ValidationError({"lunch_starts": gettext("The lunch closure must fall inside the opening hours.")})

    def windows(self) -> list[tuple[time, time]]:
        if self.lunch_starts and self.lunch_ends:
            return [(self.opens, self.lunch_starts), (self.lunch_ends, self.closes)]
        return [(self.opens, self.closes)]


# --- Commitment areas -------------------------------------------------------------


class CommitmentArea(Bilingual, models.Model):
    """One area of the force's Quality of Service Commitment."""

    translated_fields = ("name", "description")

    slug = models.SlugField(unique=True)
    name = models.CharField(verbose_name=_("Name"), max_length=100, unique=True)
    description = models.TextField(verbose_name=_("Description"), blank=True)
    order = models.PositiveSmallIntegerField(verbose_name=_("Order"), default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# --- Questionnaires ---------------------------------------------------------------


# The questionnaire file format (JSON) that export, import and the starter questionnaires speak.
EXPORT_FORMAT_VERSION = 1


class Questionnaire(Bilingual, models.Model):
    translated_fields = ("title", "description")

    title = models.CharField(max_length=150)
    channel = models.CharField(max_length=30, choices=Channel.choices)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def latest_version(self) -> QuestionnaireVersion | None:
        return self.versions.order_by("-number").first()


class QuestionnaireVersion(models.Model):
    """A numbered version. Once it has answers (or an approved scenario uses it) it is frozen."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    frozen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"],
                name="questionnaire_version_unique_number",
                violation_error_message=_("This questionnaire already has a version with that number."),
            )
        ]

    def __str__(self) -> str:
        return gettext("%(title)s (version %(number)s)") % {
            "title": self.questionnaire.shown("title"),
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("scenarios:questionnaire-builder", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def freeze(self) -> None:
        """Freeze for good; a conditional UPDATE so a race freezes once and keeps the first time."""
        if self.frozen_at is None:
            QuestionnaireVersion.objects.filter(pk=self.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
            self.refresh_from_db(fields=["frozen_at"])

    def ensure_editable(self) -> None:
        if self.is_frozen:
            raise ValidationError(
                gettext(
                    "This version is frozen because it has answers or an approved scenario uses it. "
                    "Make a new version to change it."
                )
            )

    def questions_in_order(self):
        return (
            Question.objects.filter(section__version=self)
            .select_related("section")
            .order_by("section__order", "section__pk", "order", "pk")
        )


class Section(Bilingual, models.Model):
    translated_fields = ("title", "intro")

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(verbose_name=_("Title"), max_length=150)
    intro = models.TextField(verbose_name=_("Intro"), blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionType(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    YES_NO_NA = "yes_no_na", _("Yes, no or not applicable")
    RATING = "rating", _("Rating from 1 to 5")
    SINGLE_CHOICE = "single_choice", _("Choose one")
    MULTIPLE_CHOICE = "multiple_choice", _("Choose any")
    NUMBER = "number", _("Number")
    DURATION = "duration", _("Duration (minutes and seconds)")
    TIME = "time", _("Time of day")
    DATE = "date", _("Date")
    TEXT = "text", _("Free text")


# Which scoring rule each type takes; free text, dates and times cannot be scored.
SCORING_RULES = {
    QuestionType.YES_NO: "expected",
    QuestionType.YES_NO_NA: "expected",
    QuestionType.RATING: "minimum",
    QuestionType.SINGLE_CHOICE: "options",
    QuestionType.MULTIPLE_CHOICE: "options",
    QuestionType.NUMBER: "range",
    QuestionType.DURATION: "maximum",
}
CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}


class Question(Bilingual, models.Model):
    """One question, its optional condition, and its rule for meeting the commitment.

    Answer values are JSON values: yes/no → true/false; yes/no/NA → "yes"/"no"/"na";
    rating → 1–5; single choice → an option key; multiple choice → a list of keys;
    number → a number; duration → whole seconds; time → "HH:MM"; date → "YYYY-MM-DD";
    free text → a string.
    """

    translated_fields = ("label", "help_text", "options", "rating_low_label", "rating_high_label")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("Type"), max_length=20, choices=QuestionType.choices)
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=True)
    options = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("For choice questions: a list of {key, label} pairs.")
    )
    rating_low_label = models.CharField(max_length=50, blank=True, default="Very poor")
    rating_high_label = models.CharField(max_length=50, blank=True, default="Excellent")
    condition_question = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="dependent_questions"
    )
    condition_values = models.JSONField(default=list, blank=True)
    commitment_area = models.ForeignKey(CommitmentArea, on_delete=models.PROTECT, null=True, blank=True)
    weight = models.PositiveSmallIntegerField(verbose_name=_("Weight"), default=1)
    # The rule for "meets the commitment"; which fields apply depends on the type.
    expected_answer = models.JSONField(null=True, blank=True)
    minimum = models.DecimalField(verbose_name=_("Minimum"), max_digits=10, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(verbose_name=_("Maximum"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10),
                name="question_weight_1_to_10",
                violation_error_message=_("The weight must be a whole number from 1 to 10."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_scored(self) -> bool:
        return self.commitment_area_id is not None

    def fields_in_use(self) -> tuple[str, ...]:
        unused = set()
        if self.kind not in CHOICE_TYPES:
            unused.add("options")
        if self.kind != QuestionType.RATING:
            unused |= {"rating_low_label", "rating_high_label"}
        return tuple(field for field in self.translated_fields if field not in unused)

    @property
    def position(self) -> tuple[int, int, int, int]:
        return (self.section.order, self.section.pk, self.order, self.pk or 0)

    def option_keys(self) -> list[str]:
        return [str(option["key"]) for option in self.options]

    def allowed_values(self) -> list:
        """The values a condition on this question may test for."""
        if self.kind == QuestionType.YES_NO:
            return [True, False]
        if self.kind == QuestionType.YES_NO_NA:
            return ["yes", "no", "na"]
        if self.kind == QuestionType.RATING:
            return [1, 2, 3, 4, 5]
        if self.kind in CHOICE_TYPES:
            return self.option_keys()
        return []

    def clean(self):
        errors = {}
        if self.kind in CHOICE_TYPES:
            keys = self.option_keys() if isinstance(self.options, list) else []
            if len(keys) < 2:
                errors["options"] = gettext("A choice question needs at least two options.")
            elif len(set(keys)) != len(keys):
                errors["options"] = gettext("Each option needs a different key.")
        if self.condition_question_id:
            condition = self.condition_question
            if self.pk and condition.pk == self.pk:
                errors["condition_question"] = gettext("A question cannot depend on itself.")
            elif condition.section.version_id != self.section.version_id:
                errors["condition_question"] = gettext("A condition can only use a question in the same questionnaire.")
            elif self.section_id and condition.position >= (
                self.section.order,
                self.section.pk,
                self.order,
                self.pk or 10**9,
            ):
                errors["condition_question"] = gettext(
                    "A condition can only use an earlier question. Move this question below “%(question)s” "
                    "or choose an earlier one."
                ) % {"question": condition.label}
            elif not condition.allowed_values():
                errors["condition_question"] = gettext("A condition can only use a yes/no, rating or choice question.")
            elif not self.condition_values or any(v not in condition.allowed_values() for v in self.condition_values):
                errors["condition_values"] = gettext("Choose which answers to the earlier question show this one.")
        elif self.condition_values:
            errors["condition_values"] = gettext("Choose the earlier question this condition depends on.")
        if self.is_scored:
            errors.update(self._scoring_errors())
        if errors:
            raise ValidationError(errors)

    def _scoring_errors(self) -> dict[str, str]:
        rule = SCORING_RULES.get(self.kind)
        if rule is None:
            return {
                "commitment_area": gettext("A “%(type)s” question cannot be scored.")
                % {"type": self.get_kind_display()}
            }
        if rule == "expected":
            allowed = [True, False] if self.kind == QuestionType.YES_NO else ["yes", "no"]
            if self.expected_answer not in allowed:
                return {"expected_answer": gettext("Choose the answer that meets the commitment.")}
        if rule == "minimum" and (self.minimum is None or not 1 <= self.minimum <= 5):
            return {"minimum": gettext("Give the lowest rating (1 to 5) that meets the commitment.")}
        if rule == "options":
            chosen = self.expected_answer if isinstance(self.expected_answer, list) else []
            if not chosen or any(key not in self.option_keys() for key in chosen):
                return {"expected_answer": gettext("Choose the options that meet the commitment.")}
        if rule == "range" and self.minimum is None and self.maximum is None:
            return {"minimum": gettext("Give a lowest or a highest number (or both) that meets the commitment.")}
        if rule == "maximum" and (self.maximum is None or self.maximum <= 0):
            return {"maximum": gettext("Give the target time in seconds that meets the commitment.")}
        return {}

    def is_shown(self, answers: dict[int, object]) -> bool:
        """Whether the condition lets this question show, given earlier answers."""
        if not self.condition_question_id:
            return True
        value = answers.get(self.condition_question_id)
        if isinstance(value, list):
            return any(item in self.condition_values for item in value)
        return value in self.condition_values

    def meets_commitment(self, value) -> bool | None:
        """True or False for a scored answer; None when not scored, blank or not applicable."""
        if not self.is_scored or value in (None, "", [], "na"):
            return None
        rule = SCORING_RULES.get(self.kind)
        if rule == "expected":
            return value == self.expected_answer
        if rule == "minimum":
            return Decimal(value) >= self.minimum
        if rule == "options":
            chosen = value if isinstance(value, list) else [value]
            return any(key in self.expected_answer for key in chosen)
        if rule == "range":
            number = Decimal(str(value))
            return (self.minimum is None or number >= self.minimum) and (self.maximum is None or number <= self.maximum)
        if rule == "maximum":
            return Decimal(value) <= self.maximum
        return None

    def answer_text(self, value) -> str:
        """One stored answer value as the volunteer saw it: Yes, Not applicable, an option's label."""
        if self.kind == QuestionType.YES_NO:
            return {True: gettext("Yes"), False: gettext("No")}.get(value, str(value))
        if self.kind == QuestionType.YES_NO_NA:
            return {"yes": gettext("Yes"), "no": gettext("No"), "na": gettext("Not applicable")}.get(value, str(value))
        if self.kind in CHOICE_TYPES:
            return next((str(o["label"]) for o in self.shown("options") if o["key"] == value), str(value))
        if self.kind == QuestionType.RATING:
            label = {1: self.shown("rating_low_label"), 5: self.shown("rating_high_label")}.get(value)
            return f"{value} – {label}" if label else str(value)
        return str(value)

    def _condition_words(self) -> dict[str, str]:
        condition = self.condition_question
        answers = gettext(" or ").join(f"“{condition.answer_text(value)}”" for value in self.condition_values)
        return {"question": condition.shown("label"), "answers": answers}

    def describe_condition(self) -> str:
        """When the question shows, in words, for the builder."""
        if not self.condition_question_id:
            return ""
        return gettext("Shown only when the answer to “%(question)s” is %(answers)s.") % self._condition_words()

    def condition_hint(self) -> str:
        """When to answer the question, for a volunteer whose browser does not run the page's script."""
        if not self.condition_question_id:
            return ""
        return gettext("Answer this only if the answer to “%(question)s” is %(answers)s.") % self._condition_words()

    def describe_rule(self) -> str:
        """The scoring rule in plain words, for the builder."""
        if not self.is_scored:
            return gettext("Not scored.")
        rule = SCORING_RULES.get(self.kind)
        if rule == "expected":
            if self.kind == QuestionType.YES_NO_NA:
                met = gettext("the answer is “%(answer)s” (“Not applicable” is left out of the score)")
            else:
                met = gettext("the answer is “%(answer)s”")
            met %= {"answer": self.answer_text(self.expected_answer)}
        elif rule == "minimum":
            met = gettext("the rating is %(rating).0f or higher") % {"rating": self.minimum}
        elif rule == "options":
            labels = gettext(" or ").join(f"“{self.answer_text(key)}”" for key in self.expected_answer or [])
            if self.kind == QuestionType.MULTIPLE_CHOICE:
                met = gettext("the answer includes %(options)s") % {"options": labels}
            else:
                met = gettext("the answer is %(options)s") % {"options": labels}
        elif rule == "range":
            low, high = (
                None if n is None else f"{Decimal(str(n)).normalize():f}" for n in (self.minimum, self.maximum)
            )
            if low is not None and high is not None:
                met = gettext("the number is between %(low)s and %(high)s") % {"low": low, "high": high}
            elif low is not None:
                met = gettext("the number is %(low)s or more") % {"low": low}
            else:
                met = gettext("the number is %(high)s or less") % {"high": high}
        else:
            met = gettext("it takes %(time)s or less") % {"time": duration_in_words(int(self.maximum or 0))}
        return gettext("Scored for “%(area)s”, weight %(weight)s: met when %(met)s.") % {
            "area": self.commitment_area.shown("name"),
            "weight": self.weight,
            "met": met,
        }


def duration_in_words(seconds: int) -> str:
    """5 minutes; 1 minute 30 seconds; 45 seconds."""
    minutes, seconds = divmod(seconds, 60)
    parts = [f"{minutes} minute{'s' * (minutes != 1)}"] if minutes else []
    if seconds or not minutes:
        parts.append(f"{seconds} second{'s' * (seconds != 1)}")
    return " ".join(parts)


# --- Scenarios --------------------------------------------------------------------


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


# The one table of allowed steps.
SCENARIO_TRANSITIONS = {
    ScenarioStatus.DRAFT: {ScenarioStatus.SUBMITTED, ScenarioStatus.RETIRED},
    ScenarioStatus.RETURNED: {ScenarioStatus.SUBMITTED, ScenarioStatus.RETIRED},
    ScenarioStatus.SUBMITTED: {ScenarioStatus.APPROVED, ScenarioStatus.RETURNED},
    ScenarioStatus.APPROVED: {ScenarioStatus.RETIRED},
    ScenarioStatus.RETIRED: set(),
}
EDITABLE_STATUSES = {ScenarioStatus.DRAFT, ScenarioStatus.RETURNED}

# History actions that write a revision or send it for approval. Whoever did any of them on a
# revision may not approve it: approval is a second pair of eyes, never the writer's own.
WRITING_ACTIONS = ("created", "edited", "revision started", ScenarioStatus.SUBMITTED.value)
# Every action a scenario's history can hold, as it is shown.
EVENT_ACTIONS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "revision started": _("Revision started"),
    "Welsh changed": _("Welsh changed"),
    "answer key saved": _("Answer key saved"),
    **dict(ScenarioStatus.choices),
}

# The fields that make up a scenario's content: frozen once approved, compared between revisions.
CONTENT_FIELDS = (
    "title",
    "channel",
    "what_to_say",
    "cover_story",
    "what_not_to_do",
    "safety_notes",
    "emergency_plan",
    "good_practice",
    "questionnaire_version",
    "visit_minutes",
    "questionnaire_minutes",
    "volunteers_needed",
    "practice",
)


class ScenarioQuerySet(models.QuerySet):
    def approved(self):
        """Approved scenarios, live and practice alike."""
        return self.filter(status=ScenarioStatus.APPROVED)

    def live(self):
        """Scenarios that may be scheduled as real visits: approved, and not practice scenarios."""
        return self.approved().filter(practice=False)

    def practice_ready(self):
        """Practice scenarios volunteers may do to calibrate: approved, with at least one answer in the key."""
        return self.approved().filter(practice=True, answer_key__isnull=False).distinct()

    def changed_or_submitted_by(self, user):
        """Scenarios `user` wrote, edited, started as a revision or submitted: never theirs to approve."""
        writing = ScenarioEvent.objects.filter(scenario=models.OuterRef("pk"), by=user, action__in=WRITING_ACTIONS)
        return self.filter(Q(author=user) | models.Exists(writing))

    def awaiting_approval_by(self, user):
        """Submitted scenarios `user` may approve: none they changed or submitted."""
        mine = self.changed_or_submitted_by(user).values("pk")
        return self.filter(status=ScenarioStatus.SUBMITTED).exclude(pk__in=mine)

    def visible_to(self, user):
        """OPCC staff see every scenario; force liaison see those shared for comment; others none."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*OPCC_ROLES):
            return self
        if user.has_role(Role.FORCE_LIAISON):
            # Practice scenarios are the OPCC's own calibration, never the force's to see.
            return self.filter(shared_with_force=True, practice=False).exclude(status=ScenarioStatus.RETIRED)
        return self.none()


class Scenario(Lifecycle, Bilingual, models.Model):
    # The briefing as volunteers read it (the commissioner approves the Welsh with the English).
    translated_fields = (
        "title", "what_to_say", "cover_story", "what_not_to_do", "safety_notes", "emergency_plan", "good_practice",
    )  # fmt: skip
    transitions = SCENARIO_TRANSITIONS
    refusal = _("A scenario that is “%(current)s” cannot be moved to “%(wanted)s”.")
    step_fields = ["status", "updated_at"]

    channel = models.CharField(verbose_name=_("Channel"), max_length=30, choices=Channel.choices)
    title = models.CharField(verbose_name=_("Title"), max_length=150)
    what_to_say = models.TextField(_("What to say and ask"))
    cover_story = models.TextField(_("Cover story"), blank=True)
    what_not_to_do = models.TextField(_("What not to do"), blank=True)
    safety_notes = models.TextField(
        _("Personal safety and when to stop"), help_text=gettext_lazy("Safeguarding notes, and when to end the visit.")
    )
    emergency_plan = models.TextField(
        _("If a real emergency happens during the visit"),
        blank=True,
        help_text=_(
            "What volunteers do if they see a crime, an injury or anyone in danger: step out of role, "
            "call 999 themselves only for a real emergency, and tell the coordinator. Shown in every briefing."
        ),
    )
    good_practice = models.TextField(_("Good practice expected"))
    good_practice_areas = models.ManyToManyField(
        CommitmentArea, blank=True, related_name="scenarios", verbose_name=_("Commitments the good practice shows")
    )
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("Questionnaire version"),
        on_delete=models.PROTECT,
        related_name="scenarios",
    )
    contact_points = models.ManyToManyField(
        ContactPoint, verbose_name=_("Contact points"), blank=True, related_name="scenarios"
    )
    visit_minutes = models.PositiveSmallIntegerField(_("Expected minutes for the visit"), default=10)
    questionnaire_minutes = models.PositiveSmallIntegerField(_("Expected minutes for the questionnaire"), default=20)
    volunteers_needed = models.PositiveSmallIntegerField(verbose_name=_("Volunteers needed"), default=2)
    status = models.CharField(max_length=20, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions")
    revision = models.PositiveSmallIntegerField(default=1)
    shared_with_force = models.BooleanField(
        _("Share with force liaison for comment"),
        default=False,
        help_text=gettext_lazy("Force liaison may read and comment; they never see visit dates, places or counts."),
    )
    # The lawfulness checklist confirmed when this scenario was last submitted; approval needs it.
    lawfulness_check = models.ForeignKey(
        "LawfulnessCheck", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Approved before the checklist existed: it stays schedulable, and its next revision must confirm it.
    approved_before_checklist = models.BooleanField(default=False)
    # A practice scenario is never scheduled as a real visit: volunteers answer it against a staged or
    # recorded encounter and their answers are compared with its answer key (see visits/calibration.py).
    practice = models.BooleanField(
        _("Practice scenario"),
        default=False,
        help_text=gettext_lazy(
            "For calibration only: volunteers practise on it before live visits, and its reports never count."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["channel", "title", "-revision"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteers_needed__gte=1) & Q(volunteers_needed__lte=2),
                name="scenario_one_or_two_volunteers",
                violation_error_message=_("A scenario takes one or two volunteers."),
            ),
            models.CheckConstraint(
                condition=~Q(channel__in=["front_desk", "neighbourhood_meeting"]) | Q(volunteers_needed=2),
                name="scenario_in_person_needs_two",
                violation_error_message=_("Anything in person needs two volunteers, for their safety."),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(approved_before_checklist=True)
                | (Q(lawfulness_check__isnull=False) & ~Q(emergency_plan="")),
                name="scenario_approved_is_lawful",
                violation_error_message=_(
                    "A scenario can only be approved with the lawfulness checklist confirmed and an emergency plan."
                ),
            ),
        ]

    def __str__(self) -> str:
        title = self.shown("title")
        return (
            gettext("%(title)s (revision %(revision)s)") % {"title": title, "revision": self.revision}
            if self.revision > 1
            else title
        )

    def get_absolute_url(self) -> str:
        return reverse("scenarios:scenario-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def clean(self):
        if self.channel in IN_PERSON_CHANNELS and self.volunteers_needed != 2:
            raise ValidationError(
                {"volunteers_needed": gettext("Anything in person needs two volunteers, for their safety.")}
            )
        if (
            self.questionnaire_version_id
            and self.channel
            and self.questionnaire_version.questionnaire.channel != self.channel
        ):
            raise ValidationError({"questionnaire_version": gettext("Choose a questionnaire made for this channel.")})

    def content(self) -> dict[str, object]:
        values = {name: getattr(self, name) for name in CONTENT_FIELDS}
        values["questionnaire_version"] = str(self.questionnaire_version)
        return values

    def record_step(self, previous, status, *, by, reason, comment: str = "", changes: dict | None = None):
        self.log_action(status, by=by, comment=comment, changes=changes)

    def log_action(self, action: str, *, by, comment: str = "", changes: dict | None = None) -> ScenarioEvent:
        return ScenarioEvent.objects.create(scenario=self, action=action, by=by, comment=comment, changes=changes or {})

    def was_changed_or_submitted_by(self, user) -> bool:
        """Did `user` write, edit, start or submit this revision? Then someone else must approve it."""
        return Scenario.objects.filter(pk=self.pk).changed_or_submitted_by(user).exists()

    def ensure_editable_by(self, user) -> None:
        if not user.has_role(*OPCC_ROLES):
            raise PermissionDenied("Only OPCC staff can edit scenarios.")
        if not self.is_editable:
            raise ValidationError(
                gettext("Only a draft or a returned scenario can be changed. Make a new revision instead.")
            )


class ScenarioEvent(models.Model):
    """The history of a scenario: who did what, when, and what changed."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        """What happened, in the reader's language (the action is kept as a plain key)."""
        return str(EVENT_ACTIONS.get(self.action, self.action))


# The lawfulness checklist: each item must be confirmed, in so many words, before a
# scenario goes to the commissioner. Field name, then what the submitter confirms.
LAWFULNESS_CHECKLIST = (
    ("no_false_report", _("It does not report a fictitious crime or make any other false report to the police.")),
    ("no_emergency_lines", _("It never uses 999 or ties up emergency lines.")),
    ("no_harmful_deception", _("It does not deceive anyone in a way that could harm them.")),
    (
        "emergency_plan_included",
        _("It says what volunteers do if a real emergency happens during the visit (the emergency plan above)."),
    ),
)


class LawfulnessCheck(models.Model):
    """Who confirmed a scenario's lawfulness checklist, when, and the emergency plan they confirmed.

    Kept with the history event of the submission it went with, so the approval
    history shows what the commissioner approved on.
    """

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="lawfulness_checks")
    event = models.OneToOneField(ScenarioEvent, on_delete=models.CASCADE, related_name="lawfulness_check")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    no_false_report = models.BooleanField()
    no_emergency_lines = models.BooleanField()
    no_harmful_deception = models.BooleanField()
    emergency_plan_included = models.BooleanField()
    emergency_plan = models.TextField(help_text=gettext_lazy("The emergency plan as it stood when confirmed."))

    class Meta:
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(no_false_report=True, no_emergency_lines=True, no_harmful_deception=True)
                & Q(emergency_plan_included=True)
                & ~Q(emergency_plan=""),
                name="lawfulness_check_all_confirmed",
                violation_error_message=_(
                    "Confirm every point of the lawfulness checklist, and include the emergency plan."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Lawfulness confirmed by {self.confirmed_by} at {self.confirmed_at:%Y-%m-%d %H:%M}"

    def items(self) -> list[tuple[str, bool]]:
        return [(label, getattr(self, name)) for name, label in LAWFULNESS_CHECKLIST]


class ScenarioComment(models.Model):
    """A comment on a scenario from OPCC staff or force liaison."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("Comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.scenario}"


class ScenarioSuggestion(models.Model):
    """An idea for a realistic scenario, usually from force liaison."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TAKEN_UP = "taken_up", _("Taken up")
        DECLINED = "declined", _("Declined")

    channel = models.CharField(_("Channel"), max_length=30, choices=Channel.choices)
    title = models.CharField(_("Title"), max_length=150)
    description = models.TextField(_("What the scenario would test, and why"))
    suggested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def visible_to(cls, user):
        if user.has_role(*OPCC_ROLES):
            return cls.objects.all()
        if user.has_role(Role.FORCE_LIAISON):
            return cls.objects.filter(suggested_by=user)
        return cls.objects.none()


class KeyAnswer(models.Model):
    """The expected answer to one question of a practice scenario's questionnaire (its answer key)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="answer_key")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    value = models.JSONField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "question"],
                name="key_answer_once_per_question",
                violation_error_message=_("This question already has an expected answer in the key."),
            ),
        ]

    def __str__(self) -> str:
        return f"Key for {self.question} in {self.scenario}"
