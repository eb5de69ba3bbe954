"""Workflows of the scenarios app: approval, revisions, questionnaire versions, JSON."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from mysteryshop.bilingual import dump_welsh, load_welsh
from mysteryshop.roles import OPCC_ROLES, Role

from .models import (
    CONTENT_FIELDS,
    EXPORT_FORMAT_VERSION,
    LAWFULNESS_CHECKLIST,
    Channel,
    CommitmentArea,
    ContactPoint,
    KeyAnswer,
    LawfulnessCheck,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Scenario,
    ScenarioStatus,
    Section,
)
from .starter import STARTER_QUESTIONNAIRES, WELSH_LANGUAGE_AREA, WELSH_LANGUAGE_QUESTIONNAIRES, with_welsh

# --- Scenario approval -------------------------------------------------------------


def _locked(scenario: Scenario) -> Scenario:
    return Scenario.objects.select_for_update().get(pk=scenario.pk)


@transaction.atomic
def submit_scenario(*, scenario: Scenario, by, confirmed: Iterable[str] = ()) -> Scenario:
    """Send a draft or returned scenario to the commissioner for approval.

    `confirmed` names the lawfulness checklist items the submitter confirms
    (`LAWFULNESS_CHECKLIST`); every one is needed, and the scenario needs an
    emergency plan. The checklist is kept with the submission's history row.
    """
    if not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only OPCC staff can submit scenarios.")
    scenario = _locked(scenario)
    if not scenario.questionnaire_version.sections.exists():
        raise ValidationError(gettext("The scenario's questionnaire has no questions yet."))
    if not scenario.emergency_plan.strip():
        raise ValidationError(
            gettext(
                "Say what volunteers do if a real emergency happens during the visit (the emergency plan) "
                "before submitting."
            )
        )
    missing = [label for name, label in LAWFULNESS_CHECKLIST if name not in set(confirmed)]
    if missing:
        raise ValidationError(
            gettext("Confirm every item of the lawfulness checklist: %(items)s")
            % {"items": " ".join(str(label) for label in missing)}
        )
    scenario.move_to(ScenarioStatus.SUBMITTED, by=by)
    check = LawfulnessCheck.objects.create(
        scenario=scenario,
        event=scenario.events.latest("at", "pk"),
        confirmed_by=by,
        emergency_plan=scenario.emergency_plan,
        **{name: True for name, _ in LAWFULNESS_CHECKLIST},
    )
    scenario.lawfulness_check = check
    scenario.save(update_fields=["lawfulness_check"])
    return scenario


@transaction.atomic
def approve_scenario(*, scenario: Scenario, by) -> Scenario:
    """The commissioner signs a submitted scenario off; never someone who wrote, edited or submitted it.

    Approval freezes the scenario's questionnaire version, and an approved
    revision retires the revision it replaces.
    """
    if not by.has_role(Role.COMMISSIONER):
        raise PermissionDenied("Only the commissioner can approve scenarios.")
    scenario = _locked(scenario)
    if scenario.was_changed_or_submitted_by(by):
        raise PermissionDenied("You wrote, changed or submitted this scenario, so someone else must approve it.")
    if scenario.status == ScenarioStatus.SUBMITTED and (
        scenario.lawfulness_check_id is None or not scenario.emergency_plan.strip()
    ):
        raise ValidationError(
            gettext(
                "This scenario has no confirmed lawfulness checklist, so it cannot be approved. "
                "Return it so its author can confirm the checklist and add an emergency plan."
            )
        )
    scenario.move_to(ScenarioStatus.APPROVED, by=by)
    scenario.questionnaire_version.freeze()
    if scenario.revision_of_id:
        previous = _locked(scenario.revision_of)
        if previous.status == ScenarioStatus.APPROVED:
            previous.move_to(ScenarioStatus.RETIRED, by=by, comment=f"Replaced by revision {scenario.revision}.")
    return scenario


@transaction.atomic
def return_scenario(*, scenario: Scenario, by, comment: str) -> Scenario:
    """Send a submitted scenario back to its author with what needs to change."""
    if not by.has_role(Role.COMMISSIONER):
        raise PermissionDenied("Only the commissioner can return scenarios.")
    if not comment.strip():
        raise ValidationError(gettext("Say what needs to change."))
    scenario = _locked(scenario)
    scenario.move_to(ScenarioStatus.RETURNED, by=by, comment=comment)
    return scenario


@transaction.atomic
def retire_scenario(*, scenario: Scenario, by) -> Scenario:
    """Stop using a scenario; retired scenarios cannot be scheduled."""
    if not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only OPCC staff can retire scenarios.")
    scenario = _locked(scenario)
    scenario.move_to(ScenarioStatus.RETIRED, by=by)
    return scenario


@transaction.atomic
def revise_scenario(*, scenario: Scenario, by) -> Scenario:
    """Start a new draft revision of an approved scenario.

    The approved one stays schedulable until the revision is approved.
    """
    if not by.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only OPCC staff can revise scenarios.")
    scenario = _locked(scenario)
    if scenario.status != ScenarioStatus.APPROVED:
        raise ValidationError(gettext("Only an approved scenario needs a revision; edit a draft directly."))
    if scenario.revisions.exclude(status=ScenarioStatus.RETIRED).exclude(status=ScenarioStatus.APPROVED).exists():
        raise ValidationError(gettext("A revision of this scenario is already in progress."))
    revision = Scenario.objects.get(pk=scenario.pk)
    revision.pk = None
    revision.status = ScenarioStatus.DRAFT
    revision.author = by
    revision.revision_of = scenario
    revision.revision = scenario.revision + 1
    # A new revision is confirmed afresh when it is submitted.
    revision.lawfulness_check = None
    revision.approved_before_checklist = False
    revision.save()
    revision.good_practice_areas.set(scenario.good_practice_areas.all())
    revision.contact_points.set(scenario.contact_points.all())
    revision.log_action("revision started", by=by, comment=f"From revision {scenario.revision}.")
    return revision


def save_scenario(*, form, by, scenario: Scenario | None = None) -> Scenario:
    """Create or change a draft scenario from a valid form, recording what changed."""
    with transaction.atomic():
        if scenario is not None:
            scenario.ensure_editable_by(by)
            before = Scenario.objects.get(pk=scenario.pk).content()
        else:
            if not by.has_role(*OPCC_ROLES):
                raise PermissionDenied("Only OPCC staff can write scenarios.")
            form.instance.author = by
            before = None
        saved = form.save()
        after = saved.content()
        if before is None:
            saved.log_action("created", by=by)
        else:
            changes = {
                name: {"from": str(before[name]), "to": str(after[name])}
                for name in CONTENT_FIELDS
                if before[name] != after[name]
            }
            saved.log_action("edited", by=by, changes=changes)
    return saved


# --- Questionnaire builder ------------------------------------------------------------


@transaction.atomic
def create_questionnaire(*, title: str, channel: str, description: str = "") -> QuestionnaireVersion:
    questionnaire = Questionnaire.objects.create(title=title, channel=channel, description=description)
    return QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)


def add_section(*, version: QuestionnaireVersion, form) -> Section:
    version.ensure_editable()
    form.instance.version = version
    form.instance.order = (version.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    return form.save()


@transaction.atomic
def save_contact_point(*, form, hours) -> ContactPoint:
    """Save a contact point and its opening hours together (both forms already valid)."""
    contact_point = form.save()
    hours.save(contact_point)
    return contact_point


def save_question(*, section: Section, form) -> Question:
    section.version.ensure_editable()
    return form.save()


@transaction.atomic
def move(*, item: Section | Question, direction: int) -> None:
    """Swap an item with its neighbour above (-1) or below (+1).

    A question may not move above the question its condition depends on, nor
    below a question that depends on it: conditions only ever point backwards.
    """
    version = item.version if isinstance(item, Section) else item.section.version
    version.ensure_editable()
    siblings = list(
        version.sections.order_by("order", "pk") if isinstance(item, Section) else item.section.questions.order_by("order", "pk")
    )  # fmt: skip
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other_index = index + direction
    if not 0 <= other_index < len(siblings):
        return
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        sibling.order = order
    type(item).objects.bulk_update(siblings, ["order"])
    _check_conditions_point_backwards(version)


def _check_conditions_point_backwards(version: QuestionnaireVersion) -> None:
    seen: set[int] = set()
    for question in version.questions_in_order():
        if question.condition_question_id and question.condition_question_id not in seen:
            raise ValidationError(
                gettext(
                    "“%(question)s” depends on a question that would come after it. "
                    "Conditions can only use earlier questions."
                )
                % {"question": question.label}
            )
        seen.add(question.pk)


def delete_item(*, item: Section | Question) -> None:
    version = item.version if isinstance(item, Section) else item.section.version
    version.ensure_editable()
    questions = [item] if isinstance(item, Question) else list(item.questions.all())
    dependants = Question.objects.filter(condition_question__in=questions).exclude(pk__in=[q.pk for q in questions])
    if dependants.exists():
        raise ValidationError(
            gettext("Other questions depend on this: %(questions)s. Change their conditions first.")
            % {"questions": ", ".join(f"“{q.label}”" for q in dependants)}
        )
    with transaction.atomic():
        # Conditions inside the deleted section point at questions being deleted too.
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(condition_question=None)
        item.delete()


@transaction.atomic
def new_version(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new editable draft copied from `version`; answers to the old one keep it."""
    data = export_version(version)
    latest = version.questionnaire.versions.aggregate(m=Max("number"))["m"]
    created = QuestionnaireVersion.objects.create(questionnaire=version.questionnaire, number=latest + 1)
    _build_sections(created, data["sections"])
    return created


# --- JSON export and import -------------------------------------------------------------


def export_version(version: QuestionnaireVersion) -> dict:
    """A questionnaire version as plain data; questions refer to each other by position ids."""
    areas = dict(CommitmentArea.objects.values_list("pk", "slug"))
    sections = []
    for section in version.sections.prefetch_related("questions").order_by("order", "pk"):
        questions = []
        for question in section.questions.all():
            questions.append(
                {
                    "ref": f"q{question.pk}",
                    "kind": question.kind,
                    "label": question.label,
                    "help_text": question.help_text,
                    "required": question.required,
                    "options": question.options,
                    "rating_low_label": question.rating_low_label,
                    "rating_high_label": question.rating_high_label,
                    "condition": {"ref": f"q{question.condition_question_id}", "values": question.condition_values}
                    if question.condition_question_id
                    else None,
                    "scoring": {
                        "commitment_area": areas[question.commitment_area_id],
                        "weight": question.weight,
                        "expected_answer": question.expected_answer,
                        "minimum": None if question.minimum is None else float(question.minimum),
                        "maximum": None if question.maximum is None else float(question.maximum),
                    }
                    if question.commitment_area_id
                    else None,
                    **dump_welsh(question),
                }
            )
        sections.append({"title": section.title, "intro": section.intro, "questions": questions, **dump_welsh(section)})
    questionnaire = version.questionnaire
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "title": questionnaire.title,
        "channel": questionnaire.channel,
        "description": questionnaire.description,
        "sections": sections,
        **dump_welsh(questionnaire),
    }


@transaction.atomic
def import_questionnaire(data: dict) -> QuestionnaireVersion:
    """Create a questionnaire from exported data; any problem raises one readable ValidationError."""
    if not isinstance(data, dict) or data.get("format_version") != EXPORT_FORMAT_VERSION:
        raise ValidationError(
            gettext("This is not a questionnaire file of format version %(version)s.")
            % {"version": EXPORT_FORMAT_VERSION}
        )
    if data.get("channel") not in Channel.values:
        raise ValidationError(gettext("The file names a channel this system does not know."))
    if not str(data.get("title", "")).strip():
        raise ValidationError(gettext("The file has no title."))
    if not isinstance(data.get("sections"), list):
        raise ValidationError(gettext("The file has no sections."))
    version = create_questionnaire(
        title=str(data["title"])[:150], channel=data["channel"], description=str(data.get("description", ""))
    )
    if data.get("welsh"):
        load_welsh(version.questionnaire, data)
        version.questionnaire.save(update_fields=["welsh", "welsh_source"])
    _build_sections(version, data["sections"])
    return version


def _build_sections(version: QuestionnaireVersion, sections: list) -> None:
    areas = {area.slug: area for area in CommitmentArea.objects.all()}
    by_ref: dict[str, Question] = {}
    for section_number, section_data in enumerate(sections, start=1):
        if not isinstance(section_data, dict) or not isinstance(section_data.get("questions"), list):
            raise ValidationError(
                gettext("Section %(number)s is not in the expected form.") % {"number": section_number}
            )
        section = Section.objects.create(
            version=version,
            order=section_number,
            title=str(section_data.get("title", ""))[:150]
            or gettext("Section %(number)s") % {"number": section_number},
            intro=str(section_data.get("intro", "")),
        )
        if section_data.get("welsh"):
            load_welsh(section, section_data)
            section.save(update_fields=["welsh", "welsh_source"])
        for question_number, item in enumerate(section_data["questions"], start=1):
            where = {"section": section_number, "question": question_number}
            if not isinstance(item, dict) or item.get("kind") not in QuestionType.values:
                raise ValidationError(
                    gettext("Section %(section)s, question %(question)s: unknown question type.") % where
                )
            question = Question(
                section=section,
                order=question_number,
                kind=item["kind"],
                label=str(item.get("label", ""))[:300],
                help_text=str(item.get("help_text", ""))[:500],
                required=bool(item.get("required", True)),
                options=item.get("options") or [],
                rating_low_label=str(item.get("rating_low_label", ""))[:50],
                rating_high_label=str(item.get("rating_high_label", ""))[:50],
            )
            load_welsh(question, item)
            condition = item.get("condition")
            if condition:
                if not isinstance(condition, dict) or condition.get("ref") not in by_ref:
                    raise ValidationError(
                        gettext(
                            "Section %(section)s, question %(question)s: its condition must use an earlier question."
                        )
                        % where
                    )
                question.condition_question = by_ref[condition["ref"]]
                question.condition_values = condition.get("values") or []
            scoring = item.get("scoring")
            if scoring:
                if not isinstance(scoring, dict) or scoring.get("commitment_area") not in areas:
                    raise ValidationError(
                        gettext("Section %(section)s, question %(question)s: unknown commitment area.") % where
                    )
                question.commitment_area = areas[scoring["commitment_area"]]
                question.weight = scoring.get("weight") or 1
                question.expected_answer = scoring.get("expected_answer")
                question.minimum = scoring.get("minimum")
                question.maximum = scoring.get("maximum")
            try:
                if not question.label:
                    raise ValidationError(gettext("it has no question text."))
                question.full_clean(exclude=["section"])
            except ValidationError as error:
                messages = "; ".join(m for ms in error.message_dict.values() for m in ms) if hasattr(error, "error_dict") else "; ".join(error.messages)  # fmt: skip
                raise ValidationError(
                    gettext("Section %(section)s, question %(question)s: %(problems)s")
                    % {**where, "problems": messages}
                ) from None
            question.save()
            by_ref[str(item.get("ref") or f"{section_number}.{question_number}")] = question


def load_starter_questionnaires() -> list[QuestionnaireVersion]:
    """Import each starter questionnaire whose title is not there yet, with its Welsh; safe to run again.
    When the scheme offers Welsh, also the questionnaires for visits made in Welsh, and their commitment area."""
    builds = list(STARTER_QUESTIONNAIRES)
    if settings.MYSTERYSHOP_WELSH:
        ensure_welsh_language_area()
        builds += WELSH_LANGUAGE_QUESTIONNAIRES
    created = []
    for build in builds:
        data = with_welsh(build())
        if not Questionnaire.objects.filter(title=data["title"], channel=data["channel"]).exists():
            created.append(import_questionnaire(data))
    return created


def ensure_welsh_language_area() -> CommitmentArea:
    """The commitment area "Welsh language", last in order; Welsh for every area that has none yet."""
    from .starter_cy import WELSH

    area, _created = CommitmentArea.objects.get_or_create(
        slug=WELSH_LANGUAGE_AREA["slug"],
        defaults={
            "name": WELSH_LANGUAGE_AREA["name"],
            "description": WELSH_LANGUAGE_AREA["description"],
            "order": (CommitmentArea.objects.aggregate(m=Max("order"))["m"] or 0) + 1,
        },
    )
    # Every area still without Welsh (the six from the Commitment, this one when new) takes the starter's.
    for each in CommitmentArea.objects.filter(welsh={}):
        for field in each.translated_fields:
            each.set_welsh(field, WELSH.get(getattr(each, field), ""))
        each.save(update_fields=["welsh", "welsh_source"])
    return area


def save_answer_key(*, scenario: Scenario, values: dict[int, object], by) -> int:
    """Keep a practice scenario's answer key: the expected answer to each question given (a question
    left empty is not compared). Returns how many questions have an expected answer."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators keep answer keys.")
    if not scenario.practice:
        raise ValidationError(
            gettext("Only a practice scenario has an answer key. Mark it as a practice scenario first.")
        )
    questions = set(
        Question.objects.filter(section__version=scenario.questionnaire_version_id).values_list("pk", flat=True)
    )
    values = {pk: value for pk, value in values.items() if pk in questions}
    with transaction.atomic():
        KeyAnswer.objects.filter(scenario=scenario).exclude(question_id__in=values.keys()).delete()
        for question_id, value in values.items():
            KeyAnswer.objects.update_or_create(
                scenario=scenario, question_id=question_id, defaults={"value": value, "updated_by": by}
            )
        scenario.log_action("answer key saved", by=by, comment=f"{len(values)} expected answers.")
    return len(values)
