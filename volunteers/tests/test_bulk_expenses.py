"""A coordinator approves several expense claims at once, with their total, and each is paid once."""

from django.urls import reverse

from volunteers import services
from volunteers.models import ExpenseClaim, Volunteer, pounds

LIST = reverse("volunteers:expense-list")
APPROVE = reverse("volunteers:expense-approve-many")


def claims_of(user, amounts):
    own = Volunteer.objects.get(user=user)
    return [
        services.create_expense_claim(
            volunteer=own, purpose=f"Parking {n}", items=[{"kind": "parking", "amount_pence": pence}]
        )
        for n, pence in enumerate(amounts, start=1)
    ]


def said(response) -> list[str]:
    """The messages shown on the page the post led to."""
    assert response.redirect_chain, "a post leads on to a page"
    return [str(message) for message in response.context["messages"]]


def test_the_waiting_claims_show_their_total_and_a_box_to_tick_each(client_for, coordinator, volunteer):
    claims_of(volunteer, [1250, 480, 90])
    page = client_for(coordinator).get(LIST).content.decode()
    assert "3 claims, £18.20 in all" in page
    assert page.count('name="chosen"') == 3
    assert 'Approve<span class="visually-hidden"> Parking 1, £12.50, from' in page, (
        "each box has a label naming the claim"
    )
    assert "Approve the ticked claims" in page


def test_the_ticked_claims_are_approved_with_their_total_and_twice_pays_once(client_for, coordinator, volunteer):
    first, second, third = claims_of(volunteer, [1250, 480, 90])
    client = client_for(coordinator)
    response = client.post(APPROVE, {"chosen": [first.pk, second.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert said(response) == ["2 claims approved, £17.30 in all."]
    states = dict(ExpenseClaim.objects.values_list("pk", "state"))
    assert states == {first.pk: "approved", second.pk: "approved", third.pk: "submitted"}
    assert ExpenseClaim.objects.get(pk=first.pk).decided_by == coordinator
    again = client.post(APPROVE, {"chosen": [first.pk, second.pk]}, follow=True)
    assert said(again) == ["2 claims had already been decided."]
    assert ExpenseClaim.objects.filter(state="approved").count() == 2


def test_nothing_ticked_or_nonsense_is_refused_in_words(client_for, coordinator, volunteer):
    claims_of(volunteer, [100])
    client = client_for(coordinator)
    for data in ({}, {"chosen": ["x", "-1"]}):
        response = client.post(APPROVE, data, follow=True)
        assert said(response) == ["Tick the claims to approve first."]
    assert not ExpenseClaim.objects.filter(state="approved").exists()


def test_only_coordinators_approve_claims_together(client_for, commissioner, volunteer, force_liaison):
    (claim,) = claims_of(volunteer, [100])
    for user in (commissioner, volunteer, force_liaison):
        assert client_for(user).post(APPROVE, {"chosen": [claim.pk]}).status_code == 403
    assert ExpenseClaim.objects.get().state == "submitted"


def test_amounts_are_written_as_people_write_them():
    assert [pounds(p) for p in (0, 5, 1250, 123456)] == ["£0.00", "£0.05", "£12.50", "£1,234.56"]
