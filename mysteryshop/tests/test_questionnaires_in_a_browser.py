"""Every starter questionnaire sent through the real pages, in Chromium, with JavaScript on and off.

From the demo's own data (its sign-ins, volunteers, contact points, starter questionnaires and
approved scenarios, as `seed_demo` makes them), each demo volunteer has a visit on every channel:
Margaret Hughes (volunteer1) on a phone with JavaScript, Derek Okafor (volunteer2) with JavaScript
switched off. Each sends every report, answering every question shown, so between them the
starter questionnaires cover every type of question; and each takes every conditional question
both ways, on its own page and across pages, checking that what shows is what the server asks for.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mysteryshop.demo import DEMO_PASSWORD
from mysteryshop.roles import Role
from mysteryshop.tests.journey import (
    DESKTOP,
    PHONE,
    Journey,
    Person,
    answer_questionnaire_page,
    errors_on_page,
    pick,
    question_on_page,
)

pytestmark = pytest.mark.journey

CHANNELS = ("front_desk", "phone_101", "website", "online_reporting", "neighbourhood_meeting")


def demo_world() -> dict[str, list]:
    """The demo's people, places, questionnaires and scenarios, and for each demo volunteer a visit on
    every channel, made on the days before today (a visit per day, so none overlaps another)."""
    from django.contrib.auth import get_user_model

    from mysteryshop import demo
    from scenarios import demo as scenarios_demo
    from scenarios.models import ContactPoint, Scenario
    from visits.models import Assignment, Visit, VisitStatus
    from volunteers import demo as volunteers_demo
    from volunteers.models import Volunteer

    demo.seed_users()
    volunteers_demo.seed()
    scenarios_demo.seed()
    coordinator = get_user_model().objects.get(username="coordinator")
    visits: dict[str, list] = {}
    for username in ("volunteer1", "volunteer2"):
        volunteer = Volunteer.objects.get(user__username=username)
        for days_ago, channel in enumerate(CHANNELS, start=1):
            scenario = Scenario.objects.approved().filter(channel=channel).order_by("pk").first()
            assert scenario is not None, f"the demo has no approved scenario for {channel}"
            starts = timezone.now() - timedelta(days=days_ago, minutes=30)
            visit = Visit.objects.create(
                scenario=scenario, contact_point=ContactPoint.objects.filter(channel=channel).first(),
                starts_at=starts, ends_at=starts + timedelta(minutes=30), status=VisitStatus.CONFIRMED,
                created_by=coordinator,
            )  # fmt: skip
            blocked_from, blocked_until = Assignment.block_for(visit)
            assignment = Assignment.objects.create(
                visit=visit, volunteer=volunteer, blocked_from=blocked_from, blocked_until=blocked_until,
                assigned_by=coordinator, accepted_at=starts - timedelta(days=7),
            )  # fmt: skip
            visits.setdefault(username, []).append(assignment)
    return visits


def demo_volunteers(browser_without_javascript):
    margaret = Person("Margaret Hughes", Role.VOLUNTEER, username="volunteer1", password=DEMO_PASSWORD, size=PHONE)
    derek = Person(
        "Derek Okafor", Role.VOLUNTEER, username="volunteer2", password=DEMO_PASSWORD, size=DESKTOP,
        driver=browser_without_javascript,
    )  # fmt: skip
    return margaret, derek


def save_and_continue(j: Journey) -> None:
    """Press the page's main button; the next page must not be this one with errors."""
    j.press("Save and")
    assert not errors_on_page(j), f"{j.driver.current_url}: {errors_on_page(j)}"


def send_report(j: Journey, assignment) -> None:
    """From My visits, fill in every page of the questionnaire, check the answers and send."""
    j.visit("/visits/mine/")
    j.follow(assignment.visit.scenario.title)
    j.press("Fill in the questionnaire")
    for _page in range(10):
        if "Check your answers" in j.heading():
            break
        answer_questionnaire_page(j)
        save_and_continue(j)
    else:
        raise AssertionError(f"Never reached Check your answers: {j.driver.current_url}")
    j.press("Send my report")
    assert j.heading() == "Report sent", j.page_text()
    assert re.search(r"Your reference is\s+MS-\d{6}", j.page_text()), j.page_text()


def test_every_starter_questionnaire_is_sent_with_javascript_on_and_off(browser, browser_without_javascript):
    from scenarios.models import QuestionType
    from visits.models import Answer, Submission

    visits = demo_world()
    j = Journey(browser)
    for person in demo_volunteers(browser_without_javascript):
        j.sign_in(person)
        for assignment in visits[person.username]:
            send_report(j, assignment)
        j.visit("/visits/mine/")
        assert "Reports to send" not in j.page_text()
        assert j.page_text().count("the OPCC is checking it") == len(CHANNELS)

        reports = Submission.objects.filter(assignment__volunteer__user__username=person.username)
        assert set(reports.values_list("status", flat=True)) == {"submitted"}
        answered = set(Answer.objects.filter(submission__in=reports).values_list("question__kind", flat=True))
        assert answered == set(QuestionType.values), f"{person.name} left out {set(QuestionType.values) - answered}"


def conditions_by_questionnaire():
    """Each starter questionnaire's conditional questions, grouped by the question they depend on."""
    from scenarios.models import Question

    grouped: dict[str, dict] = {}
    for question in Question.objects.filter(condition_question__isnull=False).select_related(
        "condition_question__section", "section__version__questionnaire"
    ):
        title = question.section.version.questionnaire.title
        grouped.setdefault(title, {}).setdefault(question.condition_question, []).append(question)
    return grouped


def shown(j: Journey, question) -> bool:
    return question_on_page(j, question.label).is_displayed()


def go_to_page(j: Journey, assignment, number: int) -> None:
    url = f"/visits/mine/{assignment.pk}/report/page-{number}/"
    j.visit(url)
    if not j.driver.current_url.endswith(url):
        # No report yet: opening a page changes nothing and leads to the visit's page, whose button starts it.
        j.press("Fill in the questionnaire")
        j.visit(url)


def page_of(question) -> int:
    return list(question.section.version.sections.order_by("order", "pk")).index(question.section) + 1


def test_every_conditional_question_shows_and_hides_both_ways(browser, browser_without_javascript):
    """For each condition: the answer that hides its questions, then the one that shows them, on the same
    page and on later pages; what shows is what the server asks for, and what is hidden is never saved."""
    from visits.models import Answer

    visits = demo_world()
    grouped = conditions_by_questionnaire()
    assert set(grouped) == {"101 call", "Website task", "Online reporting"}
    j = Journey(browser)
    for person in demo_volunteers(browser_without_javascript):
        javascript = person.driver is None
        j.sign_in(person)
        for assignment in visits[person.username]:
            title = assignment.visit.scenario.questionnaire_version.questionnaire.title
            for controlling, dependents in grouped.get(title, {}).items():
                # The hiding way: the dependents never show where the server decides, are never required.
                go_to_page(j, assignment, page_of(controlling))
                pick(j, controlling.label, "no")
                same_page = [q for q in dependents if q.section_id == controlling.section_id]
                for question in same_page:
                    # Without JavaScript a question on the same page shows, with a hint saying when to answer it.
                    assert shown(j, question) is not javascript, (person.name, question.label)
                # Answers given to them anyway (they show without JavaScript) are dropped by the server.
                answer_questionnaire_page(j)
                save_and_continue(j)
                for question in dependents:
                    if question.section_id != controlling.section_id:
                        go_to_page(j, assignment, page_of(question))
                        assert not shown(j, question), (person.name, question.label)
                        answer_questionnaire_page(j)
                        save_and_continue(j)
                assert not Answer.objects.filter(submission__assignment=assignment, question__in=dependents).exists()

                # The showing way: every dependent shows, on its own page and on later ones, and is answered.
                go_to_page(j, assignment, page_of(controlling))
                pick(j, controlling.label, "yes")
                for question in same_page:
                    assert shown(j, question), (person.name, question.label)
                answer_questionnaire_page(j)
                save_and_continue(j)
                for question in dependents:
                    go_to_page(j, assignment, page_of(question))
                    assert shown(j, question), (person.name, question.label)
                    answer_questionnaire_page(j)
                    save_and_continue(j)
                saved = Answer.objects.filter(submission__assignment=assignment, question__in=dependents)
                assert saved.count() == len(dependents), (person.name, title)
