"""Text in a questionnaire is shown as text on every page, never taken as markup.

Every free-text field of a questionnaire — its title and description, each section's title
and introduction, each question's text, hint, options and rating labels — gets a
`<button formaction=...>` (which, inside a volunteer's form, would post the form and its CSRF
token wherever it says). The questionnaire is made both ways a coordinator can: through the
builder's pages, and by importing a questionnaire file. A volunteer then answers it through
the pages, the coordinator approves the report, the commissioner releases the quarter, a
scrutiny report is made and the force appeals the result. Every page and file each role can
reach is walked (`mysteryshop.tests.crawl`): the markup must never appear as markup, and each
field's text must appear, escaped, on some page (so the walk really read it).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mysteryshop.tests.crawl import crawl
from reports import appeals, rollups
from reports.models import AppealGround, GeneratedReport, ReportKind
from reports.periods import PeriodKind, period_start
from reports.services import generate_report
from reports.tests.test_findings import release
from scenarios.models import CommitmentArea, Question, QuestionnaireVersion
from visits import capture, services
from visits.models import Submission
from visits.tests.factories import approved_scenario, make_visit, ready_volunteer

FIELDS = (
    "title", "description", "s1title", "s1intro", "s2title", "s2intro",
    "yesno", "yesnohelp", "rating", "ratinghelp", "lo", "hi", "single", "singlehelp", "opta", "optb",
    "multi", "multihelp", "optc", "optd", "wait", "waithelp", "text", "texthelp",
)  # fmt: skip


# Kept with the questionnaire (and in its exported file) but shown on no page.
NOT_SHOWN = {"description"}


def mark(field: str) -> str:
    """Short enough for a rating label (50 characters), and a working attack if taken as markup."""
    return f"<button formaction=/x/{field} formmethod=post>{field}"


RAW = re.compile(r"<button formaction=/x/", re.IGNORECASE)


def escaped(field: str) -> str:
    return f"&lt;button formaction=/x/{field} formmethod=post&gt;{field}"


def questionnaire_file() -> dict:
    """A questionnaire file, as exported by the builder, with markup in every free-text field."""

    def question(kind, name, **extra):
        return {"ref": name, "kind": kind, "label": mark(name), "help_text": mark(f"{name}help"), **extra}

    area = {"commitment_area": "professional-service", "weight": 1}
    return {
        "format_version": 1,
        "title": mark("title"),
        "channel": "front_desk",
        "description": mark("description"),
        "sections": [
            {
                "title": mark("s1title"),
                "intro": mark("s1intro"),
                "questions": [
                    question("yes_no", "yesno", scoring={**area, "expected_answer": True}),
                    question("rating", "rating", rating_low_label=mark("lo"), rating_high_label=mark("hi")),
                    question("single_choice", "single", options=[{"key": "a", "label": mark("opta")},
                                                                 {"key": "b", "label": mark("optb")}]),
                    question("multiple_choice", "multi", required=False, options=[{"key": "c", "label": mark("optc")},
                                                                                   {"key": "d", "label": mark("optd")}]),
                ],
            },
            {
                "title": mark("s2title"),
                "intro": mark("s2intro"),
                "questions": [
                    question("duration", "wait", scoring={**area, "commitment_area": "initial-contact", "maximum": 120}),
                    question("text", "text", required=False),
                ],
            },
        ],
    }  # fmt: skip


def imported(client) -> QuestionnaireVersion:
    upload = SimpleUploadedFile("questionnaire.json", json.dumps(questionnaire_file()).encode(), "application/json")
    response = client.post(reverse("scenarios:questionnaire-import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()
    return QuestionnaireVersion.objects.get(questionnaire__title=mark("title"))


def built(client) -> QuestionnaireVersion:
    """The same questionnaire, typed into the builder's pages."""
    data = questionnaire_file()
    response = client.post(
        reverse("scenarios:questionnaire-create"),
        {"title": data["title"], "channel": data["channel"], "description": data["description"]},
    )
    assert response.status_code == 302, response.content.decode()
    version = QuestionnaireVersion.objects.get(questionnaire__title=mark("title"))
    areas = dict(CommitmentArea.objects.values_list("slug", "pk"))
    for section_data in data["sections"]:
        client.post(reverse("scenarios:section-add", args=[version.pk]), {"title": section_data["title"],
                                                                          "intro": section_data["intro"]})  # fmt: skip
        section = version.sections.get(title=section_data["title"])
        for item in section_data["questions"]:
            post = {
                "kind": item["kind"], "label": item["label"], "help_text": item["help_text"],
                "rating_low_label": item.get("rating_low_label", ""),
                "rating_high_label": item.get("rating_high_label", ""),
                "options_text": "\n".join(option["label"] for option in item.get("options", [])),
                "weight": 1,
            }  # fmt: skip
            if item.get("required", True):
                post["required"] = "on"
            if item.get("scoring"):
                post["commitment_area"] = areas[item["scoring"]["commitment_area"]]
                if item["kind"] == "yes_no":
                    post["expected_choice"] = "yes"
                if maximum := item["scoring"].get("maximum"):
                    post["target_duration_0"], post["target_duration_1"] = divmod(maximum, 60)
            response = client.post(reverse("scenarios:question-add", args=[section.pk]), post)
            assert response.status_code == 302, response.content.decode()
    assert Question.objects.filter(section__version=version).count() == 6
    return version


def answers(section) -> dict:
    """Answers to one page of the questionnaire, as the volunteer's browser would send them."""
    data = {}
    for question in section.questions.all():
        name = f"q_{question.pk}"
        if question.kind == "yes_no":
            data[name] = "yes"
        elif question.kind == "rating":
            data[name] = "4"
        elif question.kind in ("single_choice", "multiple_choice"):
            data[name] = question.options[0]["key"]
        elif question.kind == "duration":
            data[f"{name}_0"], data[f"{name}_1"] = "1", "10"
        elif question.kind == "text":
            data[name] = "They were helpful."
    return data


def problems_in(found: dict) -> tuple[list[str], str]:
    """Raw markup found anywhere, and all the escaped text read (to check the walk covered each field)."""
    problems, seen = [], []
    for url, page in found.items():
        assert page.status < 500, f"{url} answered {page.status}"
        if page.status != 200:
            continue
        if page.content_type.startswith("image/svg+xml"):
            tree = ElementTree.fromstring(page.body)  # noqa: S314 (our own chart, drawn in the test)
            if any(element.tag.endswith(("button", "script", "foreignObject")) for element in tree.iter()):
                problems.append(f"{url}: the chart holds markup as elements")
            continue
        if page.is_html and RAW.search(page.text):
            line = next(line for line in page.text.splitlines() if RAW.search(line))
            problems.append(f"{url}: {line.strip()[:160]}")
        seen.append(page.text)
    return problems, "\n".join(seen)


@pytest.mark.parametrize("made_by", [built, imported])
def test_markup_in_a_questionnaire_is_text_on_every_page(client_for, coordinator, commissioner, force_liaison, made_by):
    version = made_by(client_for(coordinator))
    scenario = approved_scenario(questionnaire_version=version, title="Asking the way")
    visit = make_visit(coordinator=coordinator, scenario=scenario)
    volunteer = ready_volunteer()
    assignment = services.assign(visit=visit, volunteer=volunteer, by=coordinator)
    services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    with time_machine.travel(visit.starts_at + timedelta(minutes=30), tick=False):
        person = client_for(volunteer.user)
        assert person.post(reverse("visits:report-start", args=[assignment.pk])).status_code == 302
        for number, section in enumerate(version.sections.order_by("order"), start=1):
            response = person.post(reverse("visits:report-section", args=[assignment.pk, number]), answers(section))
            assert response.status_code == 302, response.content.decode()
        volunteer_pages = crawl(person, [reverse("visits:my-visits"), assignment.get_absolute_url()])
        assert person.post(reverse("visits:report-submit", args=[assignment.pk])).status_code == 302
    report = Submission.objects.get(assignment=assignment)
    capture.approve(submission=report, by=coordinator)
    rollups.rebuild()
    release(report, commissioner)
    quarter = period_start(PeriodKind.QUARTER, visit.starts_at.date())
    after = quarter + timedelta(days=100)
    with time_machine.travel(after, tick=False):
        appeals.raise_appeal(
            submission=report, by=force_liaison, ground=AppealGround.SCORING_ERROR, explanation="We disagree."
        )
        week = period_start(PeriodKind.WEEK, visit.starts_at.date())
        document = GeneratedReport.objects.create(kind=ReportKind.WEEKLY, period_start=week)
        assert generate_report(report_id=document.pk), GeneratedReport.objects.get(pk=document.pk).error
        found = dict(volunteer_pages)
        found |= crawl(client_for(volunteer.user), [reverse("visits:my-visits"), report.get_absolute_url()])
        found |= crawl(
            client_for(coordinator),
            [
                reverse("reports:coordinator-home"), reverse("scenarios:questionnaire-list"), version.get_absolute_url(),
                reverse("scenarios:questionnaire-preview", args=[version.pk]), scenario.get_absolute_url(),
                reverse("visits:review-detail", args=[report.pk]), reverse("reports:results"),
                reverse("reports:document-list"), reverse("reports:appeal-list"),
            ],
        )  # fmt: skip
        found |= crawl(client_for(commissioner), [reverse("reports:commissioner-home")])
        found |= crawl(client_for(force_liaison), [reverse("reports:liaison-home"), reverse("reports:appeal-list"),
                                                   reverse("reports:document-list")])  # fmt: skip
    problems, everything = problems_in(found)
    assert not problems, "Markup taken as markup:\n" + "\n".join(problems)
    unread = [field for field in FIELDS if field not in NOT_SHOWN and escaped(field) not in everything]
    assert not unread, f"The walk never showed these fields, so cannot vouch for them: {unread}"


def test_a_hint_with_markup_is_escaped_in_any_form_the_site_draws(client_for, coordinator):
    """The general rule, for any form: help text is text (crispy's own template marks it safe)."""
    from crispy_forms.utils import render_crispy_form
    from django import forms

    class Form(forms.Form):
        name = forms.CharField(help_text=mark("hint"))

    html = render_crispy_form(Form())
    assert not RAW.search(html) and escaped("hint") in html
