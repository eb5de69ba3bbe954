"""Bad input to the public application form and to expense claims: a clear message or a success, never a 500,
and nothing already saved is changed by a refused form."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mysteryshop.tests.test_uploads import upload_strategy
from volunteers.models import ExpenseClaim, Receipt, Volunteer

from .factories import VolunteerFactory
from .test_apply import valid

APPLY = reverse("volunteers:application-create")
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)

# Any text a browser (or anything else) could send: control characters, NUL, right-to-left marks, emoji, long.
ANY_TEXT = st.text(max_size=300) | st.sampled_from(["", " ", "\x00", "0" * 5000, "<script>alert(1)</script>", "'; --"])


def snapshot(model) -> dict:
    return {row.pk: model_to_dict(row) for row in model.objects.all()}


def post_undone(client, url, data):
    """Post, then undo whatever the request saved, so each example starts from the same rows."""
    with transaction.atomic():
        response = client.post(url, data)
        after = {model: snapshot(model) for model in (Volunteer, ExpenseClaim, Receipt)}
        transaction.set_rollback(True)
    return response, after


@pytest.fixture
def already_applied(db):
    """Someone who applied earlier with the address the examples start from."""
    return VolunteerFactory(email="ada@example.org", status="applied")


def test_the_application_form_answers_any_input_with_a_message_or_thanks(client, already_applied):
    client.raise_request_exception = False
    before = snapshot(Volunteer)

    @FUZZ
    @given(
        changed=st.dictionaries(st.sampled_from(sorted(valid())), ANY_TEXT, max_size=9),
        dropped=st.sets(st.sampled_from(sorted(valid())), max_size=3),
        extra=st.dictionaries(st.text(min_size=1, max_size=20), ANY_TEXT, max_size=2),
    )
    def check(changed, dropped, extra):
        data = {key: value for key, value in (valid() | changed).items() if key not in dropped} | extra
        response, after = post_undone(client, APPLY, data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert response["Location"] == reverse("volunteers:application-received")
        else:
            assert "There is a problem" in response.content.decode()
            assert after[Volunteer] == before, "a refused application changed saved rows"
        # Whatever happened, the earlier application is untouched.
        assert after[Volunteer][already_applied.pk] == before[already_applied.pk]

    check()


def test_an_expense_claim_answers_any_amounts_and_files_with_a_message_or_success(client_for, volunteer):
    client = client_for(volunteer)
    client.raise_request_exception = False
    url = reverse("volunteers:expense-create")
    before = {model: snapshot(model) for model in (ExpenseClaim, Receipt)}

    @FUZZ
    @given(
        purpose=ANY_TEXT,
        amounts=st.dictionaries(st.sampled_from(["miles", "fares", "parking", "other"]), ANY_TEXT, max_size=4),
        receipts=st.lists(upload_strategy(), max_size=3),
    )
    def check(purpose, amounts, receipts):
        response, after = post_undone(client, url, {"purpose": purpose, **amounts, "receipts": receipts})
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert "There is a problem" in response.content.decode()
            assert {model: after[model] for model in before} == before, "a refused claim changed saved rows"
        else:
            assert response["Location"] == reverse("volunteers:my-expenses")

    check()
