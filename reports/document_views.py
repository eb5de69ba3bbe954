"""Pages of the weekly scrutiny and Police and Crime Panel reports: ask for one, watch it being made, get it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mysteryshop import audit
from mysteryshop.models import AuditAction
from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role

from . import documents, services
from .forms import DocumentRequestForm
from .models import GeneratedReport, ReportKind

READERS = (*OPCC_ROLES, Role.FORCE_LIAISON)


def _get_report(request, pk: int) -> GeneratedReport:
    return get_object_or_404(GeneratedReport.objects.visible_to(request.user), pk=pk)


def _get_ready_report(request, pk: int) -> GeneratedReport:
    report = _get_report(request, pk)
    if not report.is_ready:
        raise Http404("This report is not ready.")
    return report


def _private(response):
    # Reports hold the force's results before release: never kept by a browser or proxy.
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*READERS)
def document_list(request):
    """Reports made so far, newest period first, and the forms to ask for another."""
    context = {
        "reports": GeneratedReport.objects.visible_to(request.user).select_related("requested_by"),
        # Only the OPCC asks for reports; the force reads those of released periods.
        "forms": [DocumentRequestForm(kind=kind) for kind in ReportKind.values] if request.user.is_opcc_staff else [],
    }
    return _private(render(request, "reports/documents/document_list.html", context))


@require_POST
@role_required(*OPCC_ROLES)
def document_request(request):
    form = DocumentRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a week or quarter from the list."))
        return redirect("reports:document-list")
    try:
        report = services.request_report(
            kind=form.cleaned_data["kind"], start=form.cleaned_data["period"], by=request.user
        )
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("reports:document-list")
    return redirect(report)


@require_POST
@role_required(*OPCC_ROLES)
def document_make_again(request, pk):
    """Make a finished report again, to pick up reports approved since it was made."""
    report = _get_report(request, pk)
    if not services.make_again(report=report, by=request.user):
        messages.info(request, gettext("This report is already being made."))
    return redirect(report)


def _content_for(request, report: GeneratedReport) -> dict:
    """What this reader may see of a ready report: all of it for the OPCC; for the force, nothing of a
    period not released (`documents.as_released`: the comparison with the previous period may go)."""
    return report.content if request.user.is_opcc_staff else documents.as_released(report.content)


@role_required(*READERS)
def document_detail(request, pk):
    """The report as a page once it is ready; until then, how far it has got."""
    report = _get_report(request, pk)
    context = {"report": report, "can_make": request.user.is_opcc_staff}
    if report.is_ready:
        context["content"] = documents.with_charts(
            _content_for(request, report), lambda name: reverse("reports:document-chart", args=[report.pk, name])
        )
    return _private(render(request, "reports/documents/document_detail.html", context))


@role_required(*READERS)
def document_status(request, pk):
    """How far a report has got, for the page's script to show without reloading."""
    report = _get_report(request, pk)
    return _private(
        JsonResponse(
            {
                "status": report.status,
                "progress": report.progress,
                "step": report.step_label,
                "done": not report.in_progress,
            }
        )
    )


@role_required(*READERS)
def document_pdf(request, pk):
    return _download(request, _get_ready_report(request, pk), "pdf", "application/pdf")


@role_required(*READERS)
def document_csv(request, pk):
    return _download(request, _get_ready_report(request, pk), "csv", "text/csv; charset=utf-8")


def _made_now(report: GeneratedReport, content: dict, extension: str) -> bytes:
    """The force's copy of a file, when it must leave out what is not released (see `_content_for`)."""
    if extension == "csv":
        return documents.csv_bytes(content)
    try:
        return documents.pdf_bytes(content, svgs=report.charts, made_at=report.finished_at or report.requested_at)
    except documents.DocumentError as error:
        raise Http404(str(error)) from None


def _download(request, report: GeneratedReport, extension: str, content_type: str):
    content = _content_for(request, report)
    if content is not report.content:
        handle = ContentFile(_made_now(report, content, extension))
    else:
        try:
            handle = getattr(report, extension).open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404("The file is missing; make the report again.") from None
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=report.file_name(extension))
    audit.record(
        AuditAction.EXPORTED, request=request, obj=report, description=f"{report.file_name(extension)} downloaded"
    )
    return _private(response)


@role_required(*READERS)
def document_chart(request, pk, name):
    """A chart of a ready report, as it was drawn when the report was made (the page puts a table beside it)."""
    svg = _get_ready_report(request, pk).charts.get(name)
    if svg is None:
        raise Http404("No such chart.")
    return _private(HttpResponse(svg, content_type="image/svg+xml"))
