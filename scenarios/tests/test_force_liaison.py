"""Force liaison help keep scenarios realistic, but see nothing of visits or the builder."""

import pytest
from django.urls import reverse

from scenarios.models import ScenarioSuggestion

from .factories import ContactPointFactory, ScenarioFactory


def test_liaison_sees_only_scenarios_shared_with_the_force(client_for, force_liaison):
    shared = ScenarioFactory(shared_with_force=True, title="Shared one")
    private = ScenarioFactory(shared_with_force=False, title="Private one")
    client = client_for(force_liaison)
    content = client.get(reverse("scenarios:scenario-list")).content.decode()
    assert "Shared one" in content and "Private one" not in content
    assert client.get(reverse("scenarios:scenario-detail", args=[private.pk])).status_code == 404
    assert client.get(reverse("scenarios:scenario-detail", args=[shared.pk])).status_code == 200


def test_liaison_sees_no_contact_points_on_a_shared_scenario(client_for, force_liaison):
    scenario = ScenarioFactory(shared_with_force=True)
    scenario.contact_points.add(ContactPointFactory(name="Secret Street Station"))
    content = client_for(force_liaison).get(reverse("scenarios:scenario-detail", args=[scenario.pk])).content.decode()
    assert "Secret Street Station" not in content


def test_liaison_comments_on_a_shared_draft(client_for, force_liaison):
    scenario = ScenarioFactory(shared_with_force=True)
    client_for(force_liaison).post(reverse("scenarios:scenario-comment", args=[scenario.pk]), {"text": "Realistic."})
    assert scenario.comments.get().author == force_liaison


def test_liaison_suggests_a_scenario_and_sees_only_their_own(client_for, force_liaison, coordinator):
    ScenarioSuggestion.objects.create(channel="website", title="OPCC idea", description="x", suggested_by=coordinator)
    client = client_for(force_liaison)
    response = client.post(
        reverse("scenarios:suggestion-create"),
        {"channel": "phone_101", "title": "Ask about Clare's Law", "description": "Tests signposting."},
    )
    assert response.status_code == 302
    content = client.get(reverse("scenarios:suggestion-list")).content.decode()
    assert "Ask about Clare&#x27;s Law" in content and "OPCC idea" not in content


@pytest.mark.parametrize(
    "url_name", ["scenarios:questionnaire-list", "scenarios:contact-point-list", "scenarios:commitment-area-list"]
)
def test_liaison_cannot_open_staff_pages(url_name, client_for, force_liaison):
    assert client_for(force_liaison).get(reverse(url_name)).status_code == 403


def test_liaison_cannot_approve_or_retire(client_for, force_liaison):
    scenario = ScenarioFactory(shared_with_force=True)
    client = client_for(force_liaison)
    assert client.post(reverse("scenarios:scenario-approve", args=[scenario.pk])).status_code == 403
    assert client.post(reverse("scenarios:scenario-retire", args=[scenario.pk])).status_code == 403


def test_volunteers_see_no_scenarios_here(client_for, volunteer):
    ScenarioFactory()
    assert client_for(volunteer).get(reverse("scenarios:scenario-list")).status_code == 403
