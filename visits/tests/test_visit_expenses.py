"""Expenses for a visit: a second claim for the same visit is warned about and must be confirmed, and a
rejected claim corrected and sent again stays linked to its visit."""

import pytest
from django.urls import reverse

from visits import services
from volunteers import services as volunteer_services
from volunteers.models import ExpenseClaim

from .factories import make_visit, ready_volunteer


@pytest.fixture
def assignment(coordinator):
    visit = make_visit(coordinator=coordinator)
    return services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)


def claim_url(assignment):
    return reverse("visits:assignment-expense", args=[assignment.pk])


def test_a_second_claim_for_the_same_visit_is_warned_about_and_confirmed(client_for, assignment):
    client = client_for(assignment.volunteer.user)
    assert "already claimed for this visit" not in client.get(claim_url(assignment)).content.decode()
    client.post(claim_url(assignment), {"purpose": "Visit", "miles": "8"})
    page = client.get(claim_url(assignment)).content.decode()
    assert "You have already claimed for this visit" in page and "£3.60" in page
    response = client.post(claim_url(assignment), {"purpose": "Visit", "miles": "8"})
    assert response.status_code == 200, "not sent without confirming"
    assert "Tick to confirm these are costs you have not claimed before" in response.content.decode()
    assert ExpenseClaim.objects.count() == 1
    client.post(claim_url(assignment), {"purpose": "Parking", "parking": "", "miles": "2", "not_claimed_before": "on"})
    assert ExpenseClaim.objects.count() == 2


def test_a_claim_that_was_turned_down_is_not_a_reason_to_warn(client_for, assignment, coordinator):
    client = client_for(assignment.volunteer.user)
    client.post(claim_url(assignment), {"purpose": "Visit", "miles": "80"})
    volunteer_services.decide_expense_claim(
        claim=ExpenseClaim.objects.get(), by=coordinator, approve=False, reason="80 miles is too far."
    )
    assert "already claimed for this visit" not in client.get(claim_url(assignment)).content.decode()


def test_a_corrected_claim_stays_linked_to_its_visit(client_for, assignment, coordinator):
    client = client_for(assignment.volunteer.user)
    client.post(claim_url(assignment), {"purpose": "Visit", "miles": "80"})
    first = ExpenseClaim.objects.get()
    volunteer_services.decide_expense_claim(claim=first, by=coordinator, approve=False, reason="80 miles is too far.")
    client.post(reverse("volunteers:expense-correct", args=[first.pk]), {"purpose": "Visit", "miles": "8"})
    correction = ExpenseClaim.objects.get(corrects=first)
    assert correction.visit_link.assignment == assignment
    assert "You have already claimed for this visit" in client.get(claim_url(assignment)).content.decode()
