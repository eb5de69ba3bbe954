"""Pages for filling in a questionnaire (volunteers) and reviewing reports (coordinators)."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mysteryshop import audit
from mysteryshop.models import AuditAction
from mysteryshop.permissions import role_required
from mysteryshop.refusals import in_words, show_refusal
from mysteryshop.roles import OPCC_ROLES, Role
from mysteryshop.ticks import ticked
from mysteryshop.uploads import private_file_response
from scenarios.forms import SectionForm
from scenarios.models import CommitmentArea

from . import capture, redaction
from .forms import AnswerReviewForm, EvidenceForm, ReturnReportForm, StandardCommentForm
from .models import Answer, Assignment, Evidence, StandardComment, Submission, SubmissionStatus


def _own_assignment(request, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.filter(volunteer__user=request.user, declined_at__isnull=True).select_related(
            "visit__scenario", "visit__contact_point"
        ),
        pk=pk,
    )


def _started(request, pk):
    assignment = _own_assignment(request, pk)
    try:
        return assignment, capture.start(assignment=assignment, by=request.user)
    except ValidationError as error:
        show_refusal(request, error)
        return assignment, None


@require_POST
@role_required(Role.VOLUNTEER)
def report_start(request, pk):
    """Start the volunteer's report (the draft is made here, by a POST, never by opening a page)."""
    assignment, submission = _started(request, pk)
    if submission is None:
        return redirect(assignment)
    return redirect("visits:report-section", pk=pk, number=1)


@never_cache
@role_required(Role.VOLUNTEER)
def report_section(request, pk, number=1):
    """One page of the questionnaire. Works without JavaScript; "save and come back later" keeps what is valid.

    Opening a page changes nothing: with no report started yet, it goes back to the visit's page
    (and its "Fill in the questionnaire" button). Sending a page starts the report if need be.
    """
    if request.method == "POST":
        assignment, submission = _started(request, pk)
    else:
        assignment = _own_assignment(request, pk)
        submission = Submission.objects.filter(assignment=assignment).first()
    if submission is None:
        return redirect(assignment)
    if not submission.is_editable:
        return redirect("visits:report-check", pk=pk)
    pages = capture.sections(submission)
    if not 1 <= number <= len(pages):
        raise Http404("No such page.")
    section = pages[number - 1]
    saved = capture.answers(submission)
    before = capture.answers_before(submission, section, saved)
    # A page posted with nothing ticked is still a submission to validate.
    data = request.POST if request.method == "POST" else None
    form = _with_reason(SectionForm(section, data=data, initial=saved, answers_so_far=before), submission)
    if request.method == "POST":
        later = "later" in request.POST
        if later or form.is_valid():
            try:
                capture.save_section(
                    submission=submission, section=section, form=form, partial=later, **_evidence(request, form)
                )
            except ValidationError as error:
                if error.code != capture.REASON_REQUIRED:
                    show_refusal(request, error)
                    return redirect("visits:report-check", pk=pk)
                form.add_error(REASON_FIELD, error)  # the page comes back with every answer as typed
            else:
                if later:
                    messages.success(request, gettext("Saved. You can come back to it from My visits, on any device."))
                    return redirect("visits:my-visits")
                if number < len(pages):
                    return redirect("visits:report-section", pk=pk, number=number + 1)
                return redirect("visits:report-check", pk=pk)
    context = {
        "assignment": assignment,
        "submission": submission,
        "form": form,
        "number": number,
        "count": len(pages),
        "opened": signing.dumps(timezone.now().isoformat(), salt=OPENED_SALT),
    }
    return render(request, "visits/report_section.html", context, status=400 if form.errors else 200)


# The time a page was served, signed into the page so its first save can keep it as "first opened"
# (opening a page changes nothing; the volunteer's device clock is never used).
OPENED_SALT = "visits.report-section.opened"
REASON_FIELD = "correction_reason"


def _with_reason(form: SectionForm, submission: Submission) -> SectionForm:
    """On a report returned for correction, the page asks why any answer is changed."""
    if submission.status == SubmissionStatus.RETURNED:
        form.fields[REASON_FIELD] = forms.CharField(
            label=gettext("If you change an answer on this page, say why"),
            help_text=gettext(
                "For example: “I misread the question” or “I checked my notes”. "
                "The OPCC keeps your reason with the change."
            ),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    return form


def _evidence(request, form: SectionForm) -> dict:
    """When the page was opened (from the signed time in it, if genuine) and the reason for any change."""
    try:
        opened_at = datetime.fromisoformat(signing.loads(request.POST.get("opened", ""), salt=OPENED_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        opened_at = None
    return {"opened_at": opened_at, "reason": request.POST.get(REASON_FIELD, "")}


@never_cache
@role_required(Role.VOLUNTEER)
def report_check(request, pk):
    """Check your answers, then send: the GOV.UK pattern."""
    assignment = _own_assignment(request, pk)
    submission = Submission.objects.filter(assignment=assignment).first()
    if submission is None:
        return redirect("visits:report-section", pk=pk, number=1)
    return render(request, "visits/report_check.html", _summary(assignment, submission))


def _summary(assignment, submission):
    saved = capture.answers(submission)
    pages = []
    for number, section in enumerate(capture.sections(submission), start=1):
        rows = [
            {
                "question": question,
                "label": question.shown("label"),
                "value": capture.shown_answer(question, saved[question.pk]),
            }
            for question in section.questions.all()
            if question.pk in saved
        ]
        pages.append({"number": number, "section": section, "rows": rows})
    names = dict(CommitmentArea.objects.values_list("slug", "name"))
    return {
        "assignment": assignment,
        "submission": submission,
        "area_scores": [(names.get(slug, slug), value) for slug, value in submission.scores.items()],
        "pages": pages,
        "missing": capture.missing(submission),
        "evidence": submission.evidence.all(),
        "evidence_form": EvidenceForm(),
    }


@require_POST
@role_required(Role.VOLUNTEER)
def report_submit(request, pk):
    assignment = _own_assignment(request, pk)
    submission = get_object_or_404(Submission, assignment=assignment)
    try:
        capture.submit(submission=submission, by=request.user)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("visits:report-check", pk=pk)
    return redirect("visits:report-sent", pk=pk)


@never_cache
@role_required(Role.VOLUNTEER)
def report_sent(request, pk):
    """The confirmation after sending: the report's reference and what happens next."""
    assignment = _own_assignment(request, pk)
    submission = Submission.objects.filter(assignment=assignment).first()
    if submission is None or submission.is_editable:
        return redirect("visits:report-check", pk=pk)
    return render(request, "visits/report_sent.html", {"assignment": assignment, "submission": submission})


# --- Review ------------------------------------------------------------------------------------


@never_cache
@role_required(*OPCC_ROLES)
def review_queue(request):
    reports = (
        Submission.objects.awaiting_review()
        .with_flags()
        .select_related("assignment__volunteer", "assignment__visit__contact_point", "assignment__visit__scenario")
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "visits/review_queue.html", {"reports": page, "waiting": page.paginator.count})


@require_POST
@role_required(Role.COORDINATOR)
def review_approve_many(request):
    """Approve the ticked reports that have no flags, in one go (a flagged report is approved on its own page)."""
    chosen = ticked(request, "chosen")
    if not chosen:
        messages.error(request, gettext("Tick the reports to approve first."))
        return redirect("visits:review-queue")
    approved, not_approved = capture.approve_unflagged(pks=chosen, by=request.user)
    if approved:
        messages.success(
            request,
            ngettext(
                "%(count)s report approved. It now counts towards the results.",
                "%(count)s reports approved. They now count towards the results.",
                approved,
            )
            % {"count": approved},
        )
    if not_approved:
        messages.warning(
            request,
            ngettext(
                "%(count)s report not approved: already decided, or flagged for a closer look. "
                "Open a flagged report to approve it on its own.",
                "%(count)s reports not approved: already decided, or flagged for a closer look. "
                "Open a flagged report to approve it on its own.",
                not_approved,
            )
            % {"count": not_approved},
        )
    return redirect("visits:review-queue")


@never_cache
@role_required(*OPCC_ROLES)
def review_detail(request, pk):
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user).select_related(
            "assignment__volunteer", "assignment__visit__scenario", "assignment__visit__contact_point"
        ),
        pk=pk,
    )
    text_answers = submission.answers.filter(question__kind="text").select_related("question")
    context = _summary(submission.assignment, submission) | {"return_form": ReturnReportForm()}
    pair = list(submission.assignment.visit.assignments.active().select_related("volunteer__user"))
    context |= _beside_partner(submission, context["pages"], pair)
    # The box starts as the volunteer's words with names, numbers and addresses masked, to check and
    # edit; nothing reaches the force until a reviewer saves it, and saved text is never replaced.
    names = redaction.names_of([assignment.volunteer for assignment in pair])
    context["text_answers"] = [
        (
            answer,
            AnswerReviewForm(
                instance=answer,
                prefix=f"a{answer.pk}",
                initial={} if answer.redacted_text else {"redacted_text": redaction.mask(answer.value or "", names)},
            ),
        )
        for answer in text_answers
    ]
    return render(request, "visits/review_detail.html", context)


def _same(first, second) -> bool:
    """Two stored answers say the same thing (the ticked options of a question in any order)."""
    if isinstance(first, list) and isinstance(second, list):
        return sorted(map(str, first)) == sorted(map(str, second))
    return first == second


def _beside_partner(submission: Submission, pages: list[dict], pair: list[Assignment]) -> dict:
    """The partner's sent report's answers beside this one's, row by row, and where the two differ.

    Only a report the partner has sent is shown: not a draft, nor one returned to them that they are
    correcting. A question only the partner answered gets a row too. Free text is shown but never
    counted as a difference (two people never write the same words). Queries: three, however many
    questions (the sections and their questions are already on `pages`)."""
    partner = (
        Submission.objects.filter(assignment__in=pair)
        .exclude(pk=submission.pk)
        .select_related("assignment__volunteer")
        .first()
    )
    if partner is None or partner.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        return {"partner": None, "partner_status": partner.status if partner else None, "pair_of_two": len(pair) > 1}
    theirs = capture.answers(partner)
    mine = capture.answers(submission)
    compared = differ = 0
    first = None
    for page in pages:
        page["rows"] = [
            {
                "question": question,
                "label": question.shown("label"),
                "value": capture.shown_answer(question, mine.get(question.pk)),
            }
            for question in page["section"].questions.all()
            if question.pk in mine or question.pk in theirs
        ]
        for row in page["rows"]:
            question = row["question"]
            row["partner"] = capture.shown_answer(question, theirs.get(question.pk))
            if question.kind == "text":
                continue
            compared += 1
            row["differs"] = not _same(theirs.get(question.pk), mine.get(question.pk))
            if row["differs"]:
                differ += 1
                if first is None:
                    first = row
                    row["first_difference"] = True
    return {"partner": partner, "compared": compared, "differ": differ}


@require_POST
@role_required(Role.COORDINATOR)
def review_approve(request, pk):
    submission = get_object_or_404(Submission, pk=pk)
    try:
        capture.approve(submission=submission, by=request.user)
        messages.success(request, gettext("Report approved. It now counts towards the results."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("visits:review-queue")


@require_POST
@role_required(Role.COORDINATOR)
def review_return(request, pk):
    submission = get_object_or_404(Submission, pk=pk)
    form = ReturnReportForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        capture.return_for_correction(submission=submission, by=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, gettext("Report returned to the volunteer with your comment."))
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("visits:review-detail", pk=pk)
    return redirect("visits:review-queue")


@require_POST
@role_required(Role.COORDINATOR)
def answer_review(request, pk):
    """Mark an answer as good practice or a concern, and redact its free text before release."""
    answer = get_object_or_404(Answer.objects.select_related("submission"), pk=pk)
    form = AnswerReviewForm(request.POST, instance=answer, prefix=f"a{answer.pk}")
    if form.is_valid():
        capture.review_answer(answer=answer, by=request.user, **form.cleaned_data)
        messages.success(request, gettext("Saved."))
    else:
        messages.error(request, gettext("Choose how to mark the answer."))
    return redirect("visits:review-detail", pk=answer.submission_id)


@require_POST
@role_required(Role.VOLUNTEER)
def evidence_add(request, pk):
    assignment = _own_assignment(request, pk)
    submission = get_object_or_404(Submission, assignment=assignment)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("visits:report-check", pk=pk)
    try:
        capture.add_evidence(
            submission=submission,
            by=request.user,
            image=form.cleaned_data["photo"],
            caption=form.cleaned_data["caption"],
        )
        messages.success(request, gettext("Photo added."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("visits:report-check", pk=pk)


@role_required(Role.VOLUNTEER, *OPCC_ROLES)
def evidence_file(request, pk):
    """Photos are private: only the volunteer who took them and OPCC staff get them."""
    evidence = get_object_or_404(
        Evidence.objects.filter(submission__in=Submission.objects.visible_to(request.user)), pk=pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The photo is missing.") from None
    response = private_file_response(handle, content_type=evidence.content_type)
    audit.record(AuditAction.EXPORTED, request=request, obj=evidence, description="evidence photo opened")
    return response


@require_POST
@role_required(Role.VOLUNTEER)
def report_autosave(request, pk, number):
    """Answers saved as they are typed (JavaScript); keeps whatever is valid, like "save and come back later"."""
    assignment = _own_assignment(request, pk)
    submission = Submission.objects.filter(assignment=assignment).first()
    if submission is None or not submission.is_editable:
        return JsonResponse({"saved": False, "message": gettext("This report can no longer be changed.")}, status=409)
    pages = capture.sections(submission)
    if not 1 <= number <= len(pages):
        raise Http404("No such page.")
    section = pages[number - 1]
    saved = capture.answers(submission)
    form = SectionForm(
        section, data=request.POST, initial=saved, answers_so_far=capture.answers_before(submission, section, saved)
    )
    try:
        capture.save_section(
            submission=submission, section=section, form=form, partial=True, **_evidence(request, form)
        )
    except ValidationError as error:
        return JsonResponse({"saved": False, "message": in_words(error)}, status=400)
    return JsonResponse({"saved": True})


# --- Standard comments for reviewers ---------------------------------------------------------


@role_required(Role.COORDINATOR)
def standard_comment_list(request):
    return render(request, "visits/standard_comment_list.html", {"comments": StandardComment.objects.all()})


@role_required(Role.COORDINATOR)
def standard_comment_edit(request, pk=None):
    """Add a standard comment, or change one."""
    comment = get_object_or_404(StandardComment, pk=pk) if pk else None
    form = StandardCommentForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if comment is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, gettext("Standard comment “%(title)s” saved.") % {"title": saved})
        return redirect("visits:standard-comment-list")
    return render(request, "visits/standard_comment_form.html", {"form": form, "comment": comment})


@require_POST
@role_required(Role.COORDINATOR)
def standard_comment_delete(request, pk):
    comment = get_object_or_404(StandardComment, pk=pk)
    comment.delete()
    messages.success(
        request,
        gettext("Standard comment “%(title)s” deleted. Reports already returned keep their text.") % {"title": comment},
    )
    return redirect("visits:standard-comment-list")
