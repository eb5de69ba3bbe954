from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from mysteryshop import audit
from mysteryshop.models import AuditAction
from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role
from mysteryshop.signin import client_address
from mysteryshop.spreadsheets import csv_response
from mysteryshop.ticks import ticked
from mysteryshop.uploads import private_file_response

from . import services
from .forms import (
    ApplicationForm,
    AvailabilityForm,
    AwayForm,
    CorrectClaimForm,
    DecisionForm,
    EraseForm,
    ExpenseClaimForm,
    PrivacyNoticeForm,
    ProfileForm,
    TrainingModuleForm,
    TrainingSessionForm,
    TransitionForm,
    VolunteerFilterForm,
)
from .models import (
    Availability,
    ExpenseClaim,
    ExpenseItem,
    PrivacyNotice,
    Receipt,
    Status,
    StatusChange,
    TrainingBooking,
    TrainingModule,
    TrainingSession,
    Volunteer,
    pounds,
)


def _own_volunteer(request) -> Volunteer:
    """The signed-in person's own record; nobody reaches another's through these pages."""
    return get_object_or_404(Volunteer.objects.visible_to(request.user), user=request.user)


# --- Public ---------------------------------------------------------------------------


def apply(request):
    """The public application. Every application gets the same answer, whatever its e-mail address:
    the page never says whether someone has applied or volunteered before (the e-mail does, to them)."""
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        address = client_address(request)
        if form.is_bot:
            # Say nothing useful to a bot; keep nothing but the count.
            services.may_apply(address)
            return redirect("volunteers:application-received")
        if form.is_valid():
            if services.may_apply(address):
                services.apply(form=form)
                return redirect("volunteers:application-received")
            form.add_error(
                None,
                gettext(
                    "We have had several applications from your connection in the last hour. Please try again later."
                ),
            )
    return render(
        request,
        "volunteers/apply.html",
        {"form": form, "notice": PrivacyNotice.current(), "minimum_age": settings.MYSTERYSHOP_MINIMUM_AGE},
    )


def application_received(request):
    return render(request, "volunteers/application_received.html")


def privacy_notice(request):
    return render(request, "volunteers/privacy_notice.html", {"notice": PrivacyNotice.current()})


@role_required(Role.COORDINATOR)
def privacy_notice_edit(request):
    current = PrivacyNotice.current()
    form = PrivacyNoticeForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        form.instance.published_by = request.user
        form.save()
        messages.success(request, gettext("A new version of the privacy notice is published."))
        return redirect("volunteers:privacy-notice")
    return render(request, "volunteers/privacy_notice_form.html", {"form": form})


# --- The volunteer's own pages ---------------------------------------------------------


@role_required(Role.VOLUNTEER)
def volunteer_home(request):
    volunteer = _own_volunteer(request)
    upcoming = TrainingSession.objects.filter(
        bookings__volunteer=volunteer, bookings__booked_at__isnull=False, starts_at__gte=timezone.now()
    ).select_related("module")
    return render(
        request,
        "volunteers/volunteer_home.html",
        {"volunteer": volunteer, "upcoming_training": upcoming, "to_do": services.home_sections(volunteer)},
    )


@role_required(Role.APPLICANT)
def applicant_home(request):
    volunteer = Volunteer.objects.visible_to(request.user).filter(user=request.user).first()
    return render(request, "volunteers/applicant_home.html", {"volunteer": volunteer})


@role_required(Role.VOLUNTEER, Role.APPLICANT)
def profile(request):
    volunteer = _own_volunteer(request)
    form = ProfileForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Your details are saved."))
        return redirect("volunteers:profile")
    return render(request, "volunteers/profile.html", {"form": form})


@role_required(Role.VOLUNTEER)
def availability(request):
    volunteer = _own_volunteer(request)
    current = [f"{a.weekday}:{a.band}" for a in volunteer.availability.all()]
    form = AvailabilityForm(request.POST or None, initial={"slots": current})
    if request.method == "POST" and form.is_valid():
        chosen = {tuple(slot.split(":")) for slot in form.cleaned_data["slots"]}
        volunteer.availability.all().delete()
        Availability.objects.bulk_create(
            [Availability(volunteer=volunteer, weekday=int(day), band=band) for day, band in sorted(chosen)]
        )
        messages.success(request, gettext("Your availability is saved."))
        return redirect("volunteers:availability")
    return _render_availability(request, volunteer, form=form)


def _render_availability(request, volunteer, *, form=None, away_form=None, clashes=(), status=200):
    current = [f"{a.weekday}:{a.band}" for a in volunteer.availability.all()]
    context = {
        "form": form or AvailabilityForm(initial={"slots": current}),
        "away_form": away_form or AwayForm(),
        "away_periods": volunteer.away_periods.all(),
        "clashes": clashes,
    }
    return render(request, "volunteers/availability.html", context, status=status)


@require_POST
@role_required(Role.VOLUNTEER)
def away_add(request):
    """Days away. Anything already booked on them is listed first, and given up only if the volunteer says so."""
    volunteer = _own_volunteer(request)
    form = AwayForm(request.POST)
    if not form.is_valid():
        return _render_availability(request, volunteer, away_form=form, status=400)
    try:
        services.add_days_away(
            volunteer=volunteer,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            give_up=request.POST.get("give_up") == "yes",
        )
    except services.BookedOnDaysAway as booked:
        return _render_availability(request, volunteer, away_form=form, clashes=booked.bookings)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_availability(request, volunteer, away_form=form, status=400)
    if request.POST.get("give_up") == "yes":
        messages.success(
            request, gettext("Saved, and your bookings on those days are given up. The coordinator has been told.")
        )
    else:
        messages.success(request, gettext("Saved. You will not be asked to visit on those days."))
    return redirect("volunteers:availability")


@require_POST
@role_required(Role.VOLUNTEER)
def away_delete(request, pk):
    get_object_or_404(_own_volunteer(request).away_periods, pk=pk).delete()
    messages.success(request, gettext("Removed."))
    return redirect("volunteers:availability")


@role_required(Role.VOLUNTEER, Role.APPLICANT)
def my_training(request):
    volunteer = _own_volunteer(request)
    bookings = volunteer.training_bookings.select_related("session__module").order_by("session__starts_at")
    open_sessions = (
        TrainingSession.objects.filter(starts_at__gte=timezone.now())
        # One booking row must be both this person's and booked; two conditions on the
        # relation in one exclude() could each match a different person's row.
        .exclude(
            Exists(TrainingBooking.objects.filter(session=OuterRef("pk"), volunteer=volunteer, booked_at__isnull=False))
        )
        .select_related("module")
        .annotate(booked=Count("bookings", filter=Q(bookings__booked_at__isnull=False)))
    )
    return render(
        request,
        "volunteers/my_training.html",
        {
            "record": services.training_record(volunteer, on=timezone.localdate()),
            "training_missing": services.training_missing(volunteer),
            "bookings": bookings,
            "open_sessions": open_sessions,
            "now": timezone.now(),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER, Role.APPLICANT)
def training_book(request, pk):
    volunteer = _own_volunteer(request)
    session = get_object_or_404(TrainingSession, pk=pk)
    try:
        services.book(session=session, volunteer=volunteer)
        messages.success(request, gettext("You are booked on %(session)s.") % {"session": session})
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:my-training")


@require_POST
@role_required(Role.VOLUNTEER, Role.APPLICANT)
def training_cancel(request, pk):
    """The volunteer gives up their place on a session that has not started."""
    volunteer = _own_volunteer(request)
    session = get_object_or_404(TrainingSession, pk=pk)
    try:
        services.cancel_training_booking(session=session, volunteer=volunteer)
        messages.success(
            request,
            gettext("Your place on %(session)s is cancelled. You can book it again while there is room.")
            % {"session": session},
        )
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:my-training")


@role_required(Role.VOLUNTEER)
def my_expenses(request):
    volunteer = _own_volunteer(request)
    claims = volunteer.expense_claims.select_related("correction").prefetch_related("items", "receipts")
    return render(request, "volunteers/my_expenses.html", {"claims": claims})


@role_required(Role.VOLUNTEER)
def expense_create(request):
    volunteer = _own_volunteer(request)
    form = ExpenseClaimForm(request.POST or None, request.FILES or None, volunteer=volunteer)
    if request.method == "POST" and form.is_valid():
        claim = services.create_expense_claim(
            volunteer=volunteer,
            purpose=form.cleaned_data["purpose"],
            training_session=form.cleaned_data["training_session"],
            items=form.items(),
            receipts=form.cleaned_data["receipts"],
        )
        messages.success(
            request, gettext("Claim sent: %(total)s. A coordinator will look at it.") % {"total": claim.total_display}
        )
        return redirect("volunteers:my-expenses")
    return render(request, "volunteers/expense_form.html", {"form": form})


@role_required(Role.VOLUNTEER)
def expense_correct(request, pk):
    """Correct a claim that was not approved and send it again; the rejected one stays, with its reason."""
    volunteer = _own_volunteer(request)
    claim = get_object_or_404(volunteer.expense_claims.prefetch_related("items", "receipts"), pk=pk)
    if claim.state != ExpenseClaim.State.REJECTED or claim.was_corrected:
        messages.info(request, gettext("Only a claim that was not approved, and not yet sent again, can be corrected."))
        return redirect(claim)
    form = CorrectClaimForm(request.POST or None, request.FILES or None, claim=claim)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.correct_expense_claim(
                claim=claim,
                volunteer=volunteer,
                purpose=form.cleaned_data["purpose"],
                items=form.items(),
                receipts=form.cleaned_data["receipts"],
                keep_receipts=form.cleaned_data.get("keep_receipts", ()),
            )
        except ValidationError as error:
            show_refusal(request, error)
            return redirect(claim)
        messages.success(
            request,
            gettext("Corrected claim sent: %(total)s. A coordinator will look at it.")
            % {"total": correction.total_display},
        )
        return redirect(correction)
    return render(request, "volunteers/expense_form.html", {"form": form, "correcting": claim})


def _claims_visible_to(user):
    if user.has_role(*OPCC_ROLES):
        return ExpenseClaim.objects.all()
    return ExpenseClaim.objects.filter(volunteer__in=Volunteer.objects.visible_to(user))


@role_required(Role.VOLUNTEER, *OPCC_ROLES)
def expense_detail(request, pk):
    claim = get_object_or_404(
        _claims_visible_to(request.user)
        .select_related("volunteer", "corrects", "correction")
        .prefetch_related("items", "receipts"),
        pk=pk,
    )
    return render(request, "volunteers/expense_detail.html", {"claim": claim, "decision_form": DecisionForm()})


@role_required(Role.VOLUNTEER, *OPCC_ROLES)
def receipt_download(request, pk):
    """Receipts are private: only their owner and OPCC staff get them."""
    receipt = get_object_or_404(Receipt.objects.filter(claim__in=_claims_visible_to(request.user)), pk=pk)
    try:
        handle = receipt.file.open("rb")
    except FileNotFoundError:
        raise Http404("The receipt file is missing.") from None
    response = private_file_response(handle, content_type=receipt.content_type, filename=receipt.original_name)
    audit.record(AuditAction.EXPORTED, request=request, obj=receipt, description="receipt opened")
    return response


# --- Coordinators --------------------------------------------------------------------------


def _filtered_volunteers(request) -> tuple[VolunteerFilterForm, object]:
    filters = VolunteerFilterForm(request.GET or None)
    volunteers = Volunteer.objects.visible_to(request.user)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            volunteers = volunteers.filter(status=filters.cleaned_data["status"])
        volunteers = services.search(volunteers, filters.cleaned_data["q"])
    return filters, volunteers.order_by("status", "last_name", "first_name", "pk")


@role_required(*OPCC_ROLES)
def volunteer_list(request):
    filters, volunteers = _filtered_volunteers(request)
    page = Paginator(volunteers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/volunteer_list.html",
        {"filters": filters, "page": page, "summary": services.applications_summary()},
    )


@role_required(Role.COORDINATOR)
def volunteer_list_export(request):
    """The list as searched, every person on it, as a spreadsheet: contact details, so coordinators only, recorded."""
    _filters, volunteers = _filtered_volunteers(request)
    header = [
        gettext("First name"),
        gettext("Last name"),
        gettext("Status"),
        gettext("Email"),
        gettext("Phone"),
        gettext("Postcode"),
        gettext("Applied"),
        gettext("Accessibility or other needs"),
    ]
    rows = [header] + [
        [
            volunteer.first_name,
            volunteer.last_name,
            volunteer.get_status_display(),
            volunteer.email,
            volunteer.phone.as_national if volunteer.phone else "",
            volunteer.postcode,
            f"{timezone.localtime(volunteer.applied_at):%Y-%m-%d}",
            volunteer.needs,
        ]
        for volunteer in volunteers.filter(anonymised_at__isnull=True)
    ]
    audit.record(
        AuditAction.EXPORTED, request=request, object_type="volunteers.volunteer", description="volunteer list CSV"
    )
    return csv_response(rows, filename=f"volunteers-{timezone.localdate():%Y-%m-%d}.csv")


@role_required(*OPCC_ROLES)
def volunteer_detail(request, pk):
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("by")), "availability"
        ),
        pk=pk,
    )
    record = services.training_record(volunteer, on=timezone.localdate())
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "transition_form": TransitionForm(volunteer=volunteer),
            "record": record,
            "training_missing": services.training_missing(volunteer, record=record),
            "claims": volunteer.expense_claims.prefetch_related("items"),
        },
    )


@require_POST
@role_required(*OPCC_ROLES)
def volunteer_transition(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    form = TransitionForm(request.POST, volunteer=volunteer)
    if not form.is_valid():
        messages.error(request, gettext("Choose a step this volunteer can take now."))
        return redirect(volunteer)
    try:
        services.transition(
            volunteer=volunteer, to=form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"],
            request=request,
        )  # fmt: skip
        messages.success(
            request,
            gettext("%(name)s is now “%(status)s”.")
            % {"name": volunteer, "status": str(Status(form.cleaned_data["to"]).label).lower()},
        )
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(volunteer)


@role_required(Role.COORDINATOR)
def volunteer_export(request, pk):
    """A subject-access export of everything held about one person."""
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(
        json.dumps(services.subject_access_export(volunteer), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="subject-access-{volunteer.pk}.json"'
    audit.record(AuditAction.EXPORTED, request=request, obj=volunteer, description="subject-access export")
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.COORDINATOR)
def volunteer_erase(request, pk):
    """Erasure at the person's request: a confirmation page, then a POST that anonymises them."""
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase(volunteer=volunteer, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, gettext("Their personal data is erased. Their approved results stay, without their name.")
            )
            return redirect(volunteer)
    return render(request, "volunteers/volunteer_erase.html", {"volunteer": volunteer, "form": form})


@role_required(*OPCC_ROLES)
def training_list(request):
    sessions = TrainingSession.objects.select_related("module").annotate(
        booked=Count("bookings", filter=Q(bookings__booked_at__isnull=False))
    )
    return render(
        request, "volunteers/training_list.html", {"sessions": sessions, "modules": TrainingModule.objects.all()}
    )


@role_required(Role.COORDINATOR)
def module_edit(request, pk=None):
    """The scheme names its training modules, which are required, and how often they are refreshed."""
    module = get_object_or_404(TrainingModule, pk=pk) if pk else None
    form = TrainingModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Training module saved."))
        return redirect("volunteers:training-list")
    return render(request, "volunteers/module_form.html", {"form": form, "module": module})


@role_required(Role.COORDINATOR)
def training_create(request):
    form = TrainingSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, gettext("Training session added. Invite volunteers from its page."))
        return redirect(session)
    return render(request, "volunteers/training_form.html", {"form": form})


@role_required(*OPCC_ROLES)
def training_detail(request, pk):
    session = get_object_or_404(TrainingSession.objects.select_related("module"), pk=pk)
    bookings = session.bookings.select_related("volunteer").order_by("volunteer__last_name")
    invitable = Volunteer.objects.filter(status__in=[Status.TRAINING, Status.ACTIVE, Status.PAUSED]).exclude(
        training_bookings__session=session
    )
    context = {
        "session": session,
        "bookings": bookings,
        "invitable": invitable,
        "started": session.starts_at <= timezone.now(),  # attendance is recorded once it has
    }
    return render(request, "volunteers/training_detail.html", context)


@require_POST
@role_required(Role.COORDINATOR)
def training_invite(request, pk):
    session = get_object_or_404(TrainingSession, pk=pk)
    chosen = Volunteer.objects.filter(
        pk__in=ticked(request, "volunteers"), status__in=[Status.TRAINING, Status.ACTIVE, Status.PAUSED]
    )
    count = services.invite(session=session, volunteers=chosen, by=request.user)
    messages.success(
        request, ngettext("%(count)s invitation sent.", "%(count)s invitations sent.", count) % {"count": count}
    )
    return redirect(session)


@require_POST
@role_required(Role.COORDINATOR)
def training_attendance(request, pk):
    session = get_object_or_404(TrainingSession, pk=pk)
    attended = ticked(request, "attended")
    try:
        services.record_attendance(session=session, attended_ids=attended, by=request.user)
        messages.success(request, gettext("Attendance saved."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(session)


@role_required(*OPCC_ROLES)
def expense_list(request):
    state = request.GET.get("state", ExpenseClaim.State.SUBMITTED)
    claims = ExpenseClaim.objects.select_related("volunteer").prefetch_related("items")
    if state in ExpenseClaim.State.values:
        claims = claims.filter(state=state)
    pence = ExpenseItem.objects.filter(claim__in=claims).aggregate(pence=Coalesce(Sum("amount_pence"), 0))["pence"]
    return render(
        request,
        "volunteers/expense_list.html",
        {
            "claims": Paginator(claims, 50).get_page(request.GET.get("page")),
            "state": state,
            "states": ExpenseClaim.State.choices,
            "count": claims.count(),
            "total": pounds(pence),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def expense_approve_many(request):
    """Approve the ticked claims in one go, with their total (a rejection needs a reason, so it is made on its own)."""
    chosen = ticked(request, "chosen")
    if not chosen:
        messages.error(request, gettext("Tick the claims to approve first."))
        return redirect("volunteers:expense-list")
    approved, total, not_approved = services.approve_expense_claims(pks=chosen, by=request.user)
    if approved:
        messages.success(
            request,
            ngettext(
                "%(count)s claim approved, %(total)s in all.", "%(count)s claims approved, %(total)s in all.", approved
            )
            % {"count": approved, "total": pounds(total)},
        )
    if not_approved:
        messages.warning(
            request,
            ngettext(
                "%(count)s claim had already been decided.", "%(count)s claims had already been decided.", not_approved
            )
            % {"count": not_approved},
        )
    return redirect("volunteers:expense-list")


@require_POST
@role_required(Role.COORDINATOR)
def expense_decide(request, pk):
    claim = get_object_or_404(ExpenseClaim, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose approve or reject."))
        return redirect(claim)
    try:
        services.decide_expense_claim(
            claim=claim,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, gettext("Decision saved."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(claim)


@role_required(Role.COORDINATOR)
def expense_export(request):
    response = csv_response(services.approved_claims_rows(), filename="approved-expenses.csv")
    audit.record(
        AuditAction.EXPORTED,
        request=request,
        object_type="volunteers.expenseclaim",
        description="approved expenses CSV",
    )
    return response
