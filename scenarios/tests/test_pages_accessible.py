"""The scenarios pages in a real Chromium: no WCAG 2.2 A/AA problems found by axe-core."""

import pytest
from django.urls import reverse
from selenium.webdriver.common.keys import Keys

from conftest import accessibility_problems, browser_sign_in
from scenarios import demo
from scenarios.models import ContactPoint, QuestionnaireVersion, Scenario, Section


@pytest.fixture
def seeded(coordinator, commissioner):
    demo.seed()


def pages():
    scenario = Scenario.objects.filter(status="approved").first()
    version = QuestionnaireVersion.objects.get(questionnaire__title="101 call")
    point = ContactPoint.objects.filter(channel="front_desk").first()
    return [
        reverse("reports:coordinator-home"),
        reverse("scenarios:scenario-list"),
        reverse("scenarios:scenario-detail", args=[scenario.pk]),
        reverse("scenarios:scenario-create"),
        reverse("scenarios:questionnaire-list"),
        reverse("scenarios:questionnaire-builder", args=[version.pk]),
        reverse("scenarios:questionnaire-preview", args=[version.pk]),
        reverse("scenarios:question-add", args=[Section.objects.filter(version=version).first().pk]),
        *(
            reverse("scenarios:question-add", args=[Section.objects.filter(version=version).first().pk])
            + f"?kind={kind}"
            for kind in ("yes_no", "rating", "single_choice", "number", "duration", "text")
        ),
        reverse("scenarios:question-add", args=[Section.objects.filter(version=version).first().pk]) + "?kind=",
        reverse("scenarios:contact-point-list"),
        reverse("scenarios:contact-point-detail", args=[point.pk]),
        reverse("scenarios:contact-point-edit", args=[point.pk]),
        reverse("scenarios:commitment-area-list"),
        reverse("scenarios:suggestion-create"),
    ]


def test_scenario_pages_are_accessible(browser, seeded, client_for, coordinator):
    browser_sign_in(browser, client_for(coordinator))
    assert accessibility_problems(browser, pages()) == {}


def test_conditional_questions_show_and_hide_at_once(browser, seeded, client_for, coordinator):
    version = QuestionnaireVersion.objects.get(questionnaire__title="101 call")
    browser_sign_in(browser, client_for(coordinator))
    browser.get(browser.base_url + reverse("scenarios:questionnaire-preview", args=[version.pk]))
    dependent = browser.find_elements("css selector", "[data-condition-question]")[0]
    assert not dependent.is_displayed()
    question = dependent.get_attribute("data-condition-question")
    choose(browser, question, "yes")
    assert dependent.is_displayed()
    choose(browser, question, "no")
    assert not dependent.is_displayed()


def choose(browser, name, value):
    """Pick a radio button with the keyboard, as a keyboard user would."""
    radio = browser.find_element("css selector", f"input[name='{name}'][value='{value}']")
    browser.execute_script("arguments[0].focus();", radio)
    radio.send_keys(Keys.SPACE)
