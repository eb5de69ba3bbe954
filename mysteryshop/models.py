from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from .roles import STAFF_ROLES, Role


class Language(models.TextChoices):
    """The languages a person may choose for their e-mails and documents, each named in itself."""

    ENGLISH = "en-gb", "English"
    WELSH = "cy", "Cymraeg"


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see mysteryshop.roles)."""

    # The language of every e-mail and document sent to them (volunteers: their record's, kept the same).
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)

    class Meta:
        db_table = "mysteryshop_user"

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role | str) -> bool:
        return any(str(role) in self.role_names for role in roles)

    @property
    def is_opcc_staff(self) -> bool:
        """Coordinators and the commissioner: the office that runs the scheme."""
        return self.has_role(Role.COORDINATOR, Role.COMMISSIONER)

    @property
    def needs_two_factor(self) -> bool:
        """Staff roles, and every account the Django admin lets in (`is_staff`; superusers too)."""
        return self.is_staff or self.is_superuser or self.has_role(*STAFF_ROLES)

    def deactivate(self) -> None:
        """End this person's access: they cannot sign in, and every session they have ends now."""
        self.is_active = False
        self.save(update_fields=["is_active"])
        UserSession.objects.filter(user=self).delete()


class WorkerHeartbeat(models.Model):
    """One row, touched by a beat task, so /healthz can tell that workers run."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Lifecycle:
    """The one way a model's status changes: a step allowed by the model's own table is saved and
    written to its history; any other is refused in words.

    A model with a lifecycle sets `transitions` (status → the statuses it may become), `refusal`
    (a lazy translation with %(current)s and %(wanted)s), `step_fields` (what to save; None saves the whole row, when the
    caller set other fields first) and `record_step` (its history row); `on_step` changes anything
    else a step brings with it.
    """

    transitions: ClassVar[dict[str, set[str]]]
    refusal: ClassVar[str]
    step_fields: ClassVar[list[str] | None] = None

    def status_label(self, status: str) -> str:
        return dict(self._meta.get_field("status").flatchoices)[status]

    def check_step(self, status: str) -> None:
        if status not in self.transitions[self.status]:
            raise ValidationError(
                str(self.refusal) % {"current": self.status_label(self.status), "wanted": self.status_label(status)}
            )

    def move_to(self, status: str, *, by=None, reason: str = "", **details) -> None:
        """Perform one allowed step and record it in the history."""
        self.check_step(status)
        previous = self.status
        self.status = status
        self.on_step(status, reason=reason)
        self.save(update_fields=self.step_fields)
        self.record_step(previous, status, by=by, reason=reason, **details)

    def on_step(self, status: str, *, reason: str) -> None:
        """Anything else a step changes on the row (saved with it)."""

    def record_step(self, previous: str, status: str, *, by, reason: str, **details) -> None:
        raise NotImplementedError


class StatusHistory(models.Model):
    """A row of a lifecycle's history: who moved it, when, and why. Each app adds its object and statuses."""

    by = models.ForeignKey("mysteryshop.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class UserSession(AbstractBaseSession):
    """A session, stored as Django's database sessions are, that also names its user.

    Knowing whose session it is lets the site end every session of someone who is
    deactivated or whose two-factor sign-in is reset (`mysteryshop.signin.end_sessions`).
    """

    # No database constraint: a session being saved as its user is deleted must not fail the request;
    # deleting a user still deletes their sessions (the ORM cascades).
    user = models.ForeignKey(
        "mysteryshop.User", null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "mysteryshop_user_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class PasswordResetRequest(models.Model):
    """One request for a password reset link, kept an hour or so to throttle them (PostgreSQL, not Redis).

    Both values are salted hashes: enough to count requests, not to tell who asked.
    """

    at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=64, help_text=gettext_lazy("A salted hash of the client address."))
    email = models.CharField(max_length=64, help_text=gettext_lazy("A salted hash of the e-mail address asked for."))

    class Meta:
        indexes = [
            models.Index(fields=["client", "at"], name="password_reset_client_at"),
            models.Index(fields=["email", "at"], name="password_reset_email_at"),
        ]

    def __str__(self) -> str:
        return f"Password reset request at {self.at:%Y-%m-%d %H:%M}"


class AuditAction(models.TextChoices):
    SIGNED_IN = "signin.succeeded", _("Signed in")
    SIGNIN_FAILED = "signin.failed", _("Sign-in failed")
    SIGNED_OUT = "signin.signed_out", _("Signed out")
    CODE_FAILED = "signin.code_failed", _("Wrong two-factor code")
    ACCESS_REFUSED = "access.refused", _("Access refused")
    NOT_VISIBLE = "access.not_visible", _("Not found or not visible")
    CREATED = "object.created", _("Created")
    CHANGED = "object.changed", _("Changed")
    DELETED = "object.deleted", _("Deleted")
    SCHEDULE_VIEWED = "schedule.viewed", _("Viewed the visit schedule")
    EXPORTED = "data.exported", _("Downloaded personal data")
    ERASED = "person.erased", _("Erased a person's data")


class AuditEventQuerySet(models.QuerySet):
    def search(self, *, user: str = "", action: str = "", object_type: str = "", object_id: str = "",
               since=None, until=None, ip: str = ""):  # fmt: skip
        """Events matching every filter given; `user` is a user id or part of a username."""
        events = self
        if user:
            events = events.filter(
                # A user id if it is a number that fits the column; otherwise part of a username.
                models.Q(user_id=int(user)) if user.isdigit() and len(user) < 19 else models.Q(username__icontains=user)
            )
        if action:
            events = events.filter(action=action)
        if object_type:
            events = events.filter(object_type=object_type)
        if object_id:
            events = events.filter(object_id=object_id)
        if since:
            events = events.filter(at__gte=since)
        if until:
            events = events.filter(at__lt=until)
        if ip:
            events = events.filter(ip__startswith=ip)
        return events


class AuditEvent(models.Model):
    """One thing that happened, kept append-only: who, what, when and from where.

    On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on this table
    (migration 0004), so the application can only add rows. The person is kept as
    their id and username as text, not a foreign key, so an event outlives the account.
    Descriptions name the fields that changed, never their personal or secret values.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    # Values of AuditAction; no `choices`, so a new kind of event needs no migration.
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=500, blank=True)
    ip = models.CharField("client address", max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_event_action_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
            models.Index(fields=["ip"], name="audit_event_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.action_label} by {self.username or 'the system'} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def action_label(self) -> str:
        return AuditAction(self.action).label if self.action in AuditAction.values else self.action


class OutgoingEmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Given up")


class OutgoingEmail(models.Model):
    """One e-mail to one address, written in the transaction that decided to send it (the outbox).

    A Celery task sends it after commit and a beat sweeper sends any whose task was lost
    (`mysteryshop.mail`). Sending is claimed by a conditional UPDATE from pending to
    sending, so two workers, or two beats, never send one row twice. Once sent, its body and
    attachments are emptied: only who, what subject and when are kept, for a month.
    """

    created_at = models.DateTimeField(default=timezone.now)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # Each: {"name": file name, "mimetype": MIME type, "content": base64}.
    attachments = models.JSONField(default=list, blank=True)
    # Fixed when the row is written, so a copy sent again (see mysteryshop.mail) carries the same
    # Message-ID and mail systems that remove duplicates can recognise it.
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=OutgoingEmailStatus.choices, default=OutgoingEmailStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OutgoingEmailStatus.values),
                name="outgoing_email_known_status",
                violation_error_message=_("An e-mail in the outbox is waiting, being sent, sent or given up."),
            ),
            models.CheckConstraint(
                condition=models.Q(status=OutgoingEmailStatus.SENT, sent_at__isnull=False)
                | (~models.Q(status=OutgoingEmailStatus.SENT) & models.Q(sent_at__isnull=True)),
                name="outgoing_email_sent_has_time",
                violation_error_message=_("An e-mail is marked sent exactly when it has the time it was sent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject!r} to {self.to} ({self.get_status_display().lower()})"


class TaskFailureCount(models.Model):
    """How many times each Celery task has failed, counted by the worker, for the metrics page."""

    task = models.CharField(max_length=200, unique=True)
    failures = models.PositiveBigIntegerField(default=0)
    last_failed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task}: {self.failures} failure(s)"
