from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from mysteryshop.permissions import role_required
from mysteryshop.refusals import show_refusal
from mysteryshop.roles import OPCC_ROLES, Role

from . import services
from .forms import (
    AnswerKeyForm,
    CommentForm,
    CommitmentAreaForm,
    ContactPointForm,
    ImportForm,
    LawfulnessForm,
    QuestionBuilderForm,
    QuestionnaireCreateForm,
    QuestionTypeForm,
    ReturnForm,
    ScenarioForm,
    SectionBuilderForm,
    SectionForm,
    SuggestionForm,
    WeekHoursForm,
)
from .models import (
    CommitmentArea,
    ContactPoint,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Scenario,
    ScenarioStatus,
    ScenarioSuggestion,
    Section,
)

SCENARIO_READERS = (*OPCC_ROLES, Role.FORCE_LIAISON)


# --- Contact points ------------------------------------------------------------------


@role_required(*OPCC_ROLES)
def contact_point_list(request):
    contact_points = ContactPoint.objects.select_related("policing_area").prefetch_related("opening_hours")
    return render(request, "scenarios/contact_point_list.html", {"contact_points": contact_points})


@role_required(*OPCC_ROLES)
def contact_point_detail(request, pk):
    contact_point = get_object_or_404(ContactPoint.objects.select_related("policing_area"), pk=pk)
    return render(request, "scenarios/contact_point_detail.html", {"contact_point": contact_point})


@role_required(Role.COORDINATOR)
def contact_point_edit(request, pk=None):
    contact_point = get_object_or_404(ContactPoint, pk=pk) if pk else ContactPoint()
    form = ContactPointForm(request.POST or None, instance=contact_point)
    hours = WeekHoursForm(request.POST or None, contact_point=contact_point)
    if request.method == "POST" and all([form.is_valid(), hours.is_valid()]):
        saved = services.save_contact_point(form=form, hours=hours)
        messages.success(request, gettext("%(name)s saved.") % {"name": saved.name})
        return redirect(saved)
    context = {
        "form": form,
        "hours": hours,
        "error_forms": [form, hours],
        "has_errors": bool(form.errors or hours.errors),
    }
    return render(request, "scenarios/contact_point_form.html", context)


# --- Commitment areas -------------------------------------------------------------------


@role_required(*OPCC_ROLES)
def commitment_area_list(request):
    return render(request, "scenarios/commitment_area_list.html", {"areas": CommitmentArea.objects.all()})


@role_required(Role.COORDINATOR)
def commitment_area_edit(request, pk):
    area = get_object_or_404(CommitmentArea, pk=pk)
    form = CommitmentAreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Commitment area saved."))
        return redirect("scenarios:commitment-area-list")
    return render(request, "scenarios/commitment_area_form.html", {"form": form, "area": area})


# --- Questionnaire builder --------------------------------------------------------------


@role_required(*OPCC_ROLES)
def questionnaire_list(request):
    questionnaires = Questionnaire.objects.prefetch_related(
        Prefetch("versions", queryset=QuestionnaireVersion.objects.annotate(scenario_count=Count("scenarios")))
    )
    return render(request, "scenarios/questionnaire_list.html", {"questionnaires": questionnaires})


@role_required(Role.COORDINATOR)
def questionnaire_create(request):
    form = QuestionnaireCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = services.create_questionnaire(**form.cleaned_data)
        messages.success(request, gettext("Questionnaire created. Add its first section."))
        return redirect(version)
    return render(request, "scenarios/questionnaire_create.html", {"form": form})


def _version_for_builder(pk):
    return get_object_or_404(QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk)


@role_required(*OPCC_ROLES)
def questionnaire_builder(request, pk):
    version = _version_for_builder(pk)
    sections = version.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.select_related("commitment_area", "condition_question"))
    )
    return render(
        request,
        "scenarios/questionnaire_builder.html",
        {"version": version, "sections": sections, "section_form": SectionBuilderForm()},
    )


@require_POST
@role_required(Role.COORDINATOR)
def section_add(request, pk):
    version = _version_for_builder(pk)
    form = SectionBuilderForm(request.POST)
    if form.is_valid():
        try:
            services.add_section(version=version, form=form)
            messages.success(request, gettext("Section added."))
        except ValidationError as error:
            show_refusal(request, error)
    else:
        messages.error(request, gettext("Give the section a title."))
    return redirect(version)


@role_required(Role.COORDINATOR)
def section_edit(request, pk):
    section = get_object_or_404(Section.objects.select_related("version"), pk=pk)
    form = SectionBuilderForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            section.version.ensure_editable()
            form.save()
            return redirect(section.version)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "scenarios/section_form.html", {"form": form, "section": section})


@role_required(Role.COORDINATOR)
def question_edit(request, section_pk, pk=None):
    """Add or change a question in two steps, its type and then its other fields, so each type shows only
    the fields it uses without any JavaScript. `?kind=` carries the type; `?change-type` asks again."""
    section = get_object_or_404(Section.objects.select_related("version__questionnaire"), pk=section_pk)
    question = get_object_or_404(Question, pk=pk, section=section) if pk else None
    asked = request.POST if request.method == "POST" else request.GET
    kind = asked.get("kind") or (question.kind if question and "change-type" not in request.GET else "")
    context = {"section": section, "question": question}
    if kind not in QuestionType.values:
        type_form = QuestionTypeForm(
            request.GET if "kind" in request.GET else None, initial={"kind": question.kind if question else None}
        )
        type_form.is_valid()  # a type not chosen gets its message
        return render(request, "scenarios/question_type.html", context | {"form": type_form})
    form = QuestionBuilderForm(request.POST or None, instance=question, section=section, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_question(section=section, form=form)
            messages.success(request, gettext("Question saved."))
            return redirect(section.version)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "scenarios/question_form.html", context | {"form": form, "kind": QuestionType(kind)})


@require_POST
@role_required(Role.COORDINATOR)
def item_move(request, kind, pk, direction):
    model = Section if kind == "section" else Question
    item = get_object_or_404(model, pk=pk)
    try:
        services.move(item=item, direction=-1 if direction == "up" else 1)
    except ValidationError as error:
        show_refusal(request, error)
    version = item.version if kind == "section" else item.section.version
    return redirect(version)


@require_POST
@role_required(Role.COORDINATOR)
def item_delete(request, kind, pk):
    model = Section if kind == "section" else Question
    item = get_object_or_404(model, pk=pk)
    version = item.version if kind == "section" else item.section.version
    try:
        services.delete_item(item=item)
        messages.success(request, gettext("Deleted."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect(version)


@require_POST
@role_required(Role.COORDINATOR)
def version_new(request, pk):
    version = services.new_version(version=_version_for_builder(pk))
    messages.success(
        request,
        gettext("Version %(number)s created. Earlier answers keep their own version.") % {"number": version.number},
    )
    return redirect(version)


@role_required(*OPCC_ROLES)
def questionnaire_preview(request, pk):
    """Every section exactly as a volunteer sees it (the same form and template)."""
    version = _version_for_builder(pk)
    sections = [SectionForm(section) for section in version.sections.prefetch_related("questions")]
    return render(request, "scenarios/questionnaire_preview.html", {"version": version, "forms": sections})


@role_required(*OPCC_ROLES)
def questionnaire_export(request, pk):
    version = _version_for_builder(pk)
    response = HttpResponse(
        json.dumps(services.export_version(version), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    filename = f"{slugify(version.questionnaire.title)}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.COORDINATOR)
def questionnaire_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.import_questionnaire(form.cleaned_data["file"])
            messages.success(request, gettext("Imported “%(title)s”.") % {"title": version.questionnaire.title})
            return redirect(version)
        except ValidationError as error:
            form.add_error("file", error)
    return render(request, "scenarios/questionnaire_import.html", {"form": form})


# --- Scenarios ---------------------------------------------------------------------------


@role_required(*SCENARIO_READERS)
def scenario_list(request):
    scenarios = Scenario.objects.visible_to(request.user).select_related("questionnaire_version__questionnaire")
    status = request.GET.get("status")
    if status in ScenarioStatus.values:
        scenarios = scenarios.filter(status=status)
    return render(
        request,
        "scenarios/scenario_list.html",
        {"scenarios": scenarios, "statuses": ScenarioStatus.choices, "status": status},
    )


@role_required(*SCENARIO_READERS)
def scenario_detail(request, pk):
    return _render_detail(request, pk)


def _render_detail(request, pk, lawfulness_form=None):
    scenario = get_object_or_404(
        Scenario.objects.visible_to(request.user).select_related("author", "questionnaire_version__questionnaire"),
        pk=pk,
    )
    context = {
        "scenario": scenario,
        "events": scenario.events.select_related("by", "lawfulness_check__confirmed_by"),
        "lawfulness_form": lawfulness_form or LawfulnessForm(),
        "comments": scenario.comments.select_related("author"),
        "comment_form": CommentForm(),
        "return_form": ReturnForm(),
        "can_approve": request.user.has_role(Role.COMMISSIONER)
        and not scenario.was_changed_or_submitted_by(request.user),
        "is_opcc": request.user.has_role(*OPCC_ROLES),
        "is_coordinator": request.user.has_role(Role.COORDINATOR),
    }
    if context["is_opcc"]:
        context["contact_points"] = scenario.contact_points.all()
    return render(
        request, "scenarios/scenario_detail.html", context, status=400 if lawfulness_form is not None else 200
    )


@role_required(Role.COORDINATOR)
def answer_key(request, pk):
    """The answer key of a practice scenario: one field per question, as the volunteer sees it."""
    scenario = get_object_or_404(Scenario.objects.filter(practice=True), pk=pk)
    saved = dict(scenario.answer_key.values_list("question_id", "value"))
    version = scenario.questionnaire_version
    forms = [
        AnswerKeyForm(section, data=request.POST or None, initial=saved)
        for section in version.sections.prefetch_related("questions").order_by("order", "pk")
    ]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        values = {pk: value for form in forms for pk, value in form.answer_values().items()}
        try:
            count = services.save_answer_key(scenario=scenario, values=values, by=request.user)
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Answer key saved: %(count)s expected answer.",
                    "Answer key saved: %(count)s expected answers.",
                    count,
                )
                % {"count": count},
            )
            return redirect(scenario)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "scenarios/answer_key.html",
        {"scenario": scenario, "forms": forms, "has_errors": any(form.errors for form in forms)},
        status=status,
    )


@role_required(*OPCC_ROLES)
def scenario_edit(request, pk=None):
    scenario = get_object_or_404(Scenario, pk=pk) if pk else None
    if scenario and not scenario.is_editable:
        messages.error(request, gettext("An approved scenario is frozen. Start a new revision to change it."))
        return redirect(scenario)
    form = ScenarioForm(request.POST or None, instance=scenario)
    if request.method == "POST" and form.is_valid():
        saved = services.save_scenario(form=form, by=request.user, scenario=scenario)
        messages.success(request, gettext("Scenario saved as a draft."))
        return redirect(saved)
    return render(request, "scenarios/scenario_form.html", {"form": form, "scenario": scenario})


def _act(request, pk, action, success: str, **extra):
    """Run one workflow step on a scenario this user may see, and say how it went."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), pk=pk)
    try:
        result = action(scenario=scenario, by=request.user, **extra)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect(scenario)
    messages.success(request, success)
    return redirect(result)


@require_POST
@role_required(*OPCC_ROLES)
def scenario_submit(request, pk):
    # The lawfulness checklist comes with the submission; without it the page says which boxes are missing.
    form = LawfulnessForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, pk, lawfulness_form=form)
    return _act(
        request,
        pk,
        services.submit_scenario,
        gettext_lazy("Sent to the commissioner for approval."),
        confirmed=form.confirmed(),
    )


@require_POST
@role_required(Role.COMMISSIONER)
def scenario_approve(request, pk):
    return _act(request, pk, services.approve_scenario, gettext_lazy("Scenario approved. It can now be scheduled."))


@require_POST
@role_required(Role.COMMISSIONER)
def scenario_return(request, pk):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say what needs to change before returning the scenario."))
        return redirect("scenarios:scenario-detail", pk=pk)
    return _act(
        request,
        pk,
        services.return_scenario,
        gettext_lazy("Returned to the author with your comments."),
        comment=form.cleaned_data["comment"],
    )


@require_POST
@role_required(*OPCC_ROLES)
def scenario_retire(request, pk):
    return _act(request, pk, services.retire_scenario, gettext_lazy("Scenario retired."))


@require_POST
@role_required(*OPCC_ROLES)
def scenario_revise(request, pk):
    return _act(
        request,
        pk,
        services.revise_scenario,
        gettext_lazy("New revision started. Edit it, then submit it for approval."),
    )


@require_POST
@role_required(*SCENARIO_READERS)
def scenario_comment(request, pk):
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        form.instance.scenario = scenario
        form.instance.author = request.user
        form.save()
        messages.success(request, gettext("Comment added."))
    else:
        messages.error(request, gettext("Write a comment before sending it."))
    return redirect(scenario)


# --- Suggestions from the force -------------------------------------------------------------


@role_required(*SCENARIO_READERS)
def suggestion_list(request):
    suggestions = ScenarioSuggestion.visible_to(request.user).select_related("suggested_by")
    return render(request, "scenarios/suggestion_list.html", {"suggestions": suggestions})


@role_required(Role.FORCE_LIAISON, *OPCC_ROLES)
def suggestion_create(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.suggested_by = request.user
        form.save()
        messages.success(request, gettext("Thank you. The OPCC will consider your suggestion."))
        return redirect("scenarios:suggestion-list")
    return render(request, "scenarios/suggestion_form.html", {"form": form})
